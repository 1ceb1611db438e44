"""Helpers shared by the tests of every app."""

from portail.middleware import SESSION_KEY


def login(client, user, membership=None):
    """Signs ``user`` in on ``client``, acting through ``membership`` when given.

    Every test signs in through here, so that what a real sign-in sets up (the chosen role,
    the second factor) is set up the same way everywhere.
    """
    client.force_login(user)
    if membership is not None:
        session = client.session
        session[SESSION_KEY] = membership.pk
        session.save()
    return client
