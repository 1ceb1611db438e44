"""Reads of the portal's own pages, scoped by ``portail.permissions.scope``; fixed query cost."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import AuditEvent, Invitation, Membership, Partenaire, Role
from .permissions import scope


def administered_partenaires(user, membership) -> QuerySet[Partenaire]:
    """Partners whose members ``user`` manages: theirs as partner admin, every one as superuser."""
    if user.is_superuser:
        return Partenaire.objects.filter(is_active=True)
    if membership is None or membership.role != Role.ADMIN_PARTENAIRE:
        return Partenaire.objects.none()
    return scope(Partenaire.objects.all(), user, membership)


def members(user, membership, *, q: str = "", role: str = "", status: str = "", partenaire=None) -> QuerySet:
    queryset = scope(Membership.objects.all(), user, membership).select_related("user", "partenaire")
    if q:
        queryset = queryset.filter(
            Q(user__email__icontains=q) | Q(user__first_name__icontains=q) | Q(user__last_name__icontains=q)
        )
    if role:
        queryset = queryset.filter(role=role)
    if status == "actif":
        queryset = queryset.filter(is_active=True)
    elif status == "inactif":
        queryset = queryset.filter(is_active=False)
    if partenaire is not None:
        queryset = queryset.filter(partenaire=partenaire)
    return queryset.order_by("partenaire__nom", "user__last_name", "user__first_name", "role")


def pending_invitations(user, membership, partenaire=None) -> QuerySet[Invitation]:
    queryset = scope(Invitation.objects.pending(), user, membership).select_related("partenaire", "invited_by")
    if partenaire is not None:
        queryset = queryset.filter(partenaire=partenaire)
    return queryset


def partenaires(*, q: str = "", kind: str = "", habilite: str = "") -> QuerySet[Partenaire]:
    """Every partner (superusers' pages), with its number of active members."""
    queryset = Partenaire.objects.select_related("habilite_par").annotate(
        active_members=Count("memberships", filter=Q(memberships__is_active=True), distinct=True)
    )
    if q:
        queryset = queryset.filter(nom__icontains=q)
    if kind:
        queryset = queryset.filter(kind=kind)
    if habilite == "oui":
        queryset = queryset.filter(habilite=True)
    elif habilite == "non":
        queryset = queryset.filter(habilite=False)
    return queryset.order_by("nom")


def audit_events(user, membership, *, action="", content_type=None, actor="", start=None, end=None) -> QuerySet:
    """The audit trail ``user`` may browse: all of it for a superuser; for a partner admin,
    what the members of their partner did (through any of their memberships)."""
    queryset = AuditEvent.objects.select_related("actor", "membership__partenaire", "content_type")
    if not user.is_superuser:
        if membership is None or membership.role != Role.ADMIN_PARTENAIRE or not membership.is_active:
            return queryset.none()
        colleagues = Membership.objects.filter(partenaire_id=membership.partenaire_id, user=OuterRef("actor"))
        queryset = queryset.filter(Exists(colleagues))
    if action:
        queryset = queryset.filter(action=action)
    if content_type is not None:
        queryset = queryset.filter(content_type=content_type)
    if actor:
        queryset = queryset.filter(actor__email__icontains=actor)
    tz = timezone.get_current_timezone()
    if start:
        queryset = queryset.filter(at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if end:
        queryset = queryset.filter(at__lte=datetime.combine(end, time.max, tzinfo=tz))
    return queryset.order_by("-at", "-pk")


def partner_history(partenaire: Partenaire) -> QuerySet[AuditEvent]:
    """The audit entries about one partner (creation, changes, habilitation)."""
    return AuditEvent.objects.filter(
        content_type__app_label="portail", content_type__model="partenaire", object_id=str(partenaire.pk)
    ).select_related("actor").order_by("-at", "-pk")
