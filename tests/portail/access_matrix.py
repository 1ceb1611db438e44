"""Authorisation matrix rows of the portal's own back-office pages."""

from tests.matrix import ROLES, Case, signed_in_only


def populate(world):
    """The portal's rows need nothing beyond the world's partners and members."""


def _own_membership(world, role):
    membership = world.membership(role)
    return {"membership": membership.pk if membership else 0, "next": "/espace/"}


def cases(world):
    return {
        "portail:home": Case(expected=signed_in_only()),
        "portail:login": Case(expected=dict.fromkeys(ROLES[1:], 302), default=200),
        "portail:logout": Case(method="post", default=302),
        "portail:mfa_enrol": Case(expected=signed_in_only()),
        "portail:mfa_verify": Case(expected=signed_in_only()),
        "portail:mfa_status": Case(expected=signed_in_only()),
        # The superuser has no membership to switch to: 404, never someone else's.
        "portail:switch_membership": Case(
            method="post", data=_own_membership, default=302, expected={"superuser": 404}
        ),
    }
