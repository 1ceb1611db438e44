"""Every write of the portal itself: partners, habilitation, memberships, invitations.

One function per use case; each runs in one transaction, checks that the actor may act on
the object (through the same scopes as the pages) and records an audit entry.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import audit
from .models import AuditEvent, Invitation, Membership, Partenaire, Role, User
from .permissions import scope

INVITATION_VALIDITY = timedelta(days=7)

PARTENAIRE_FIELDS = ["nom", "kind", "is_active"]


def _require_superuser(user) -> None:
    if not (user.is_authenticated and user.is_superuser):
        raise PermissionDenied("Réservé aux administrateurs de la plateforme.")


def _can_administer(user, membership, partenaire: Partenaire) -> bool:
    return scope(Partenaire.objects.filter(pk=partenaire.pk), user, membership).exists() and (
        user.is_superuser or (membership is not None and membership.role == Role.ADMIN_PARTENAIRE)
    )


# --- Partners and habilitation -----------------------------------------------------------------


def save_partenaire(request, partenaire: Partenaire, communes) -> Partenaire:
    """Creates or updates a partner (superusers only), recording the changed fields."""
    _require_superuser(request.user)
    with transaction.atomic():
        creating = partenaire.pk is None
        before = {} if creating else audit.snapshot(Partenaire.objects.get(pk=partenaire.pk), PARTENAIRE_FIELDS)
        old_communes = set() if creating else set(
            Partenaire.objects.get(pk=partenaire.pk).communes.values_list("pk", flat=True)
        )
        partenaire.save()
        partenaire.communes.set(communes)
        fields = audit.changed_fields(before, audit.snapshot(partenaire, PARTENAIRE_FIELDS))
        if {c.pk for c in communes} != old_communes:
            fields.append("communes")
        action = AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE
        if creating or fields:
            audit.record(request, action, partenaire, {"fields": fields})
    return partenaire


def set_habilitation(request, partenaire: Partenaire, habilite: bool) -> Partenaire:
    """Authorises (or withdraws) ``partenaire`` as a prescriber, recording who and when."""
    _require_superuser(request.user)
    with transaction.atomic():
        partenaire = Partenaire.objects.select_for_update().get(pk=partenaire.pk)
        if partenaire.habilite == habilite:
            return partenaire
        partenaire.habilite = habilite
        partenaire.habilite_par = request.user
        partenaire.habilite_le = timezone.now()
        partenaire.save(update_fields=["habilite", "habilite_par", "habilite_le"])
        audit.record(
            request, AuditEvent.Action.UPDATE, partenaire,
            {"fields": ["habilite", "habilite_par", "habilite_le"], "habilite": habilite},
        )
    return partenaire


# --- Memberships -------------------------------------------------------------------------------


def set_membership_active(request, membership: Membership, active: bool) -> Membership:
    """Deactivates or reactivates a member: their next request signs them out when deactivated."""
    if not _can_administer(request.user, request.membership, membership.partenaire):
        raise PermissionDenied("Vous n'administrez pas ce partenaire.")
    if not active and request.membership is not None and membership.pk == request.membership.pk:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre accès.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.is_active == active:
            return membership
        membership.is_active = active
        membership.deactivated_at = None if active else timezone.now()
        membership.save(update_fields=["is_active", "deactivated_at"])
        audit.record(request, AuditEvent.Action.UPDATE, membership, {"fields": ["is_active", "deactivated_at"]})
    return membership


# --- Invitations -------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(request, partenaire: Partenaire, email: str, role: str) -> tuple[Invitation, str]:
    """Invites ``email`` to join ``partenaire`` with ``role``; e-mails a link valid 7 days.

    Returns the invitation and its token (only its hash is stored). A pending invitation of the
    same person to the same role is cancelled: only the latest link works.
    """
    if not _can_administer(request.user, request.membership, partenaire):
        raise PermissionDenied("Vous n'administrez pas ce partenaire.")
    email = email.strip().lower()
    if Membership.objects.filter(user__email__iexact=email, partenaire=partenaire, role=role).exists():
        raise ValidationError("Cette personne a déjà ce rôle chez ce partenaire.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.pending().filter(partenaire=partenaire, email=email, role=role).update(
            cancelled_at=timezone.now()
        )
        invitation = Invitation.objects.create(
            partenaire=partenaire, email=email, role=role, token_hash=hash_token(token),
            invited_by=request.user, expires_at=timezone.now() + INVITATION_VALIDITY,
        )
        audit.record(request, AuditEvent.Action.CREATE, invitation, {"fields": ["email", "role"]})
        link = request.build_absolute_uri(reverse("portail:invitation_accept", kwargs={"token": token}))
        context = {"invitation": invitation, "link": link, "site_name": settings.WAGTAIL_SITE_NAME}
        transaction.on_commit(lambda: send_mail(
            f"Invitation à rejoindre l'espace partenaires – {settings.WAGTAIL_SITE_NAME}",
            render_to_string("portail/emails/invitation.txt", context),
            None, [email],
        ))
    return invitation, token


def cancel_invitation(request, invitation: Invitation) -> Invitation:
    if not _can_administer(request.user, request.membership, invitation.partenaire):
        raise PermissionDenied("Vous n'administrez pas ce partenaire.")
    with transaction.atomic():
        updated = Invitation.objects.pending().filter(pk=invitation.pk).update(cancelled_at=timezone.now())
        if updated:
            audit.record(request, AuditEvent.Action.UPDATE, invitation, {"fields": ["cancelled_at"]})
    invitation.refresh_from_db()
    return invitation


class InvitationError(Exception):
    """An invitation link that cannot be used; the message is shown to the visitor."""


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link designates, or :class:`InvitationError` saying why it is unusable."""
    invitation = Invitation.objects.select_related("partenaire").filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationError("Ce lien d'invitation n'est pas valide. Vérifiez qu'il a été copié en entier.")
    if invitation.accepted_at is not None:
        raise InvitationError("Ce lien d'invitation a déjà été utilisé. Connectez-vous avec votre compte.")
    if invitation.cancelled_at is not None:
        raise InvitationError(
            "Cette invitation a été annulée ou remplacée par une invitation plus récente."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            "Ce lien d'invitation a expiré (validité : 7 jours). "
            "Demandez une nouvelle invitation à l'administrateur de votre partenaire."
        )
    if not invitation.partenaire.is_active:
        raise InvitationError("Ce partenaire n'est plus actif : l'invitation ne peut pas être acceptée.")
    return invitation


def accept_invitation(token: str, user: User | None = None, *, first_name="", last_name="", password="") -> Membership:
    """Uses an invitation once: creates the account when needed, then the membership.

    ``user`` is the signed-in account whose e-mail matches the invitation; without it, a new
    account is created with the given name and (already validated) password. The invitation
    is locked so that two simultaneous uses of one link create one membership.
    """
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().select_related("partenaire").get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationError("Ce lien d'invitation a déjà été utilisé. Connectez-vous avec votre compte.")
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise InvitationError(
                    "Un compte existe déjà avec cette adresse : connectez-vous, puis ouvrez à nouveau ce lien."
                )
            user = User.objects.create_user(
                invitation.email, password, first_name=first_name.strip(), last_name=last_name.strip()
            )
            audit.record(user, AuditEvent.Action.CREATE, user, {"fields": ["email", "first_name", "last_name"]})
        elif user.email.lower() != invitation.email:
            raise InvitationError("Cette invitation est destinée à une autre adresse électronique.")
        membership, created = Membership.objects.get_or_create(
            user=user, partenaire=invitation.partenaire, role=invitation.role, defaults={"is_active": True}
        )
        if not created and not membership.is_active:
            membership.is_active, membership.deactivated_at = True, None
            membership.save(update_fields=["is_active", "deactivated_at"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(user, AuditEvent.Action.UPDATE, invitation, {"fields": ["accepted_at", "accepted_by"]})
        audit.record(user, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, membership,
                     {"fields": ["user", "partenaire", "role"] if created else ["is_active"]})
    return membership
