"""Authorisation matrix rows of the portal's own back-office pages.

The objects of the write rows belong to partner B while the partner administrator of the world
administers partner A: their rows prove that a cross-partner write answers 404.
"""

from datetime import timedelta

from django.utils import timezone

from portail.models import Invitation, Role
from portail.services import hash_token
from tests.matrix import ROLES, Case, signed_in_only

INVITATION_TOKEN = "jeton-de-la-matrice-d-autorisation"


def populate(world):
    world.invitation_b = Invitation.objects.create(
        partenaire=world.partenaire_b, email="invite.b@exemple.fr", role=Role.PRESCRIPTEUR,
        token_hash=hash_token("jeton-partenaire-b"), invited_by=world.superuser,
        expires_at=timezone.now() + timedelta(days=7),
    )
    world.invitation_token = INVITATION_TOKEN
    Invitation.objects.create(
        partenaire=world.partenaire_a, email="invite.a@exemple.fr", role=Role.PRESCRIPTEUR,
        token_hash=hash_token(INVITATION_TOKEN), invited_by=world.superuser,
        expires_at=timezone.now() + timedelta(days=3650),
    )


def _own_membership(world, role):
    membership = world.membership(role)
    return {"membership": membership.pk if membership else 0, "next": "/espace/"}


def _partner_admins(ok: int, **overrides: int) -> dict[str, int]:
    """Pages of partner administrators (and superusers): 403 for the other roles."""
    return {"anonyme": 302, **dict.fromkeys(ROLES[1:], 403), "admin_partenaire": ok, "superuser": ok, **overrides}


def _superusers(ok: int) -> dict[str, int]:
    return {"anonyme": 302, **dict.fromkeys(ROLES[1:], 403), "superuser": ok}


def cases(world):
    member_b = {"pk": world.memberships["prescripteur_b"].pk}
    partner_a = {"pk": world.partenaire_a.pk}
    return {
        "portail:home": Case(expected=signed_in_only()),
        "portail:login": Case(expected=dict.fromkeys(ROLES[1:], 302), default=200),
        "portail:logout": Case(method="post", default=302),
        # The superuser has no membership to switch to: 404, never someone else's.
        "portail:switch_membership": Case(
            method="post", data=_own_membership, default=302, expected={"superuser": 404}
        ),
        "portail:mfa_enrol": Case(expected=signed_in_only()),
        "portail:mfa_verify": Case(expected=signed_in_only()),
        "portail:mfa_status": Case(expected=signed_in_only()),
        "portail:password_change": Case(expected=signed_in_only()),
        "portail:password_change_done": Case(expected=signed_in_only()),
        "portail:password_reset": Case(),
        "portail:password_reset_done": Case(),
        "portail:password_reset_confirm": Case(kwargs={"uidb64": "MTIz", "token": "faux-jeton"}),
        "portail:password_reset_complete": Case(),
        "portail:members": Case(expected=_partner_admins(200)),
        "portail:member_invite": Case(expected=_partner_admins(200)),
        # Partner A's administrator cannot touch partner B's members: 404.
        "portail:member_deactivate": Case(
            method="post", kwargs=member_b, expected=_partner_admins(302, admin_partenaire=404)
        ),
        "portail:member_reactivate": Case(
            method="post", kwargs=member_b, expected=_partner_admins(302, admin_partenaire=404)
        ),
        "portail:invitation_cancel": Case(
            method="post", kwargs={"pk": world.invitation_b.pk}, expected=_partner_admins(302, admin_partenaire=404)
        ),
        # Anyone holding a valid link sees the invitation (signed-in people may accept it).
        "portail:invitation_accept": Case(kwargs={"token": world.invitation_token}),
        "portail:partners": Case(expected=_superusers(200)),
        "portail:partner_create": Case(expected=_superusers(200)),
        "portail:partner_detail": Case(kwargs=partner_a, expected=_superusers(200)),
        "portail:partner_update": Case(kwargs=partner_a, expected=_superusers(200)),
        "portail:partner_habilitation": Case(
            method="post", kwargs=partner_a, data={"habilite": "non"}, expected=_superusers(302)
        ),
        "portail:audit": Case(expected=_partner_admins(200)),
    }
