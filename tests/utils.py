"""Helpers shared by the tests of every app."""

import html
from importlib import import_module

from django.apps import apps
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Collection, Locale, Page

from portail.mfa import TOTP_DEVICE_NAME
from portail.middleware import SESSION_KEY


def login(client, user, membership=None, *, second_factor=True):
    """Signs ``user`` in on ``client``, acting through ``membership`` when given.

    Every test signs in through here, so that what a real sign-in sets up (the chosen role,
    the second factor) is set up the same way everywhere. With ``second_factor`` (the
    default), the user gets a confirmed TOTP device and the session is marked as verified
    with it, as after a correct code at the verification page; ``second_factor=False``
    leaves the session unverified (to test the enforcement itself).
    """
    client.force_login(user)
    session = client.session
    if membership is not None:
        session[SESSION_KEY] = membership.pk
    if second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=True
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def text(response) -> str:
    """The page as a reader sees it: the HTML with its entities decoded (``&#x27;`` → ``'``)."""
    return html.unescape(response.content.decode())


def restore_migrated_data() -> None:
    """Brings back what data migrations create and a transactional test's flush deletes:
    Wagtail's locale, root page and root collection, and the CNAF barèmes (the live server and
    the browser tests need them committed)."""
    locale, _ = Locale.objects.get_or_create(language_code="fr")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    import_module("conventions.migrations.0004_load_bareme").load(apps, None)
