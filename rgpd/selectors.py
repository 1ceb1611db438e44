"""Reads of the data-protection pages and of the retention task, permission-scoped.

:func:`retention_of` gives, for each family, the day it is due for anonymisation (``None`` while
one of its referrals or pathways is still open) from the rules of :mod:`rgpd.rules`; it reads a
whole page of families with a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from orientations.models import Famille, Orientation, PieceJointe
from parcours.models import Parcours
from portail.permissions import scope

from . import rules
from .models import DemandeEffacement

NEVER_CARED = (Orientation.State.REFUSEE, Orientation.State.ANNULEE, Orientation.State.EXPIREE)
CLOSED_PATHWAY = (Parcours.State.SORTIE, Parcours.State.ABANDON)


@dataclass
class Retention:
    """Why and until when a family's data are kept."""

    due_on: date | None
    open_files: int = 0
    cared: bool = False
    reasons: list[str] = field(default_factory=list)

    def warned(self, today: date) -> bool:
        return self.due_on is not None and today < self.due_on <= today + timedelta(days=settings.RGPD_WARNING_DAYS)

    def due(self, today: date) -> bool:
        return self.due_on is not None and self.due_on <= today


def _local_day(moment) -> date:
    return timezone.localdate(moment)


def with_closure(orientations: QuerySet) -> QuerySet:
    """``orientations`` annotated with ``closed_at``: when the referral entered its closed state,
    read from its timeline, so that a later technical update does not restart its retention."""
    return orientations.annotate(
        closed_at=Max("evenements__at", filter=Q(evenements__cible__in=NEVER_CARED)),
    )


def _referral_closure(orientation) -> date:
    return _local_day(orientation.closed_at or orientation.updated_at)


def with_retention_data(queryset: QuerySet) -> QuerySet:
    """``queryset`` of families with what :func:`retention_of` reads, prefetched."""
    pathways = Parcours.objects.select_related("sortie").annotate(
        last_presence=Max("presences__date"),
        closed_at=Max("transitions__at", filter=Q(transitions__target__in=CLOSED_PATHWAY)),
    )
    return queryset.prefetch_related(
        Prefetch(
            "orientations",
            queryset=with_closure(Orientation.objects.only("pk", "famille_id", "state", "updated_at")),
        ),
        Prefetch("parcours", queryset=pathways),
    )


def _pathway_expiry(parcours) -> tuple[date | None, bool]:
    """(expiry, the child was cared for) of one pathway."""
    if parcours.state not in CLOSED_PATHWAY:
        return None, parcours.premier_accueil_le is not None
    closed = _local_day(parcours.closed_at) if parcours.closed_at else _local_day(parcours.updated_at)
    if parcours.premier_accueil_le is None:
        return rules.referral_expiry(closed, settings.RGPD_RETENTION_ORIENTATION_YEARS), False
    sortie = getattr(parcours, "sortie", None) if parcours.state == Parcours.State.SORTIE else None
    last_day = max(day for day in (sortie.date if sortie else None, parcours.last_presence, closed) if day)
    return rules.care_file_expiry(last_day, settings.RGPD_RETENTION_PARCOURS_YEARS), True


def retention_of(famille) -> Retention:
    """The retention of one family (prefetched with :func:`with_retention_data`)."""
    expiries: list[date | None] = []
    retention = Retention(due_on=None)
    pathways = {p.orientation_id: p for p in famille.parcours.all()}
    for parcours in pathways.values():
        expiry, cared = _pathway_expiry(parcours)
        retention.cared |= cared
        expiries.append(expiry)
        if expiry is None:
            retention.open_files += 1
    for orientation in famille.orientations.all():
        if orientation.pk in pathways:
            continue
        if orientation.state in NEVER_CARED:
            expiries.append(
                rules.referral_expiry(_referral_closure(orientation), settings.RGPD_RETENTION_ORIENTATION_YEARS)
            )
        else:
            expiries.append(None)
            retention.open_files += 1
    if not expiries:
        created = _local_day(famille.created_at)
        expiries.append(rules.referral_expiry(created, settings.RGPD_RETENTION_ORIENTATION_YEARS))
    retention.due_on = rules.family_expiry(expiries)
    return retention


def families(user, membership) -> QuerySet:
    """The families a coordinator may answer for, newest first, with their anonymisation."""
    queryset = Famille.objects.select_related("commune", "anonymisation").order_by("-pk")
    return scope(queryset, user, membership)


def not_anonymised() -> QuerySet:
    return Famille.objects.filter(anonymisation__isnull=True)


def families_due(today: date) -> list[Famille]:
    """Families not yet anonymised whose retention date has come."""
    return [f for f in with_retention_data(not_anonymised()) if retention_of(f).due(today)]


def families_warned(user, membership, today: date) -> list[tuple[Famille, date]]:
    """(family, due day) of the families in scope anonymised within the warning delay."""
    candidates = with_retention_data(
        families(user, membership).filter(anonymisation__isnull=True).exclude(
            orientations__state__in=[Orientation.State.BROUILLON, Orientation.State.ENVOYEE,
                                     Orientation.State.EN_ETUDE]
        )
    )
    warned = []
    for famille in candidates:
        retention = retention_of(famille)
        if retention.warned(today):
            warned.append((famille, retention.due_on))
    return sorted(warned, key=lambda pair: pair[1])


def attachments_due(today: date) -> QuerySet:
    """Attachments of referrals that never led to care, closed long enough ago."""
    limit = rules.add_months(today, -settings.RGPD_RETENTION_PIECES_MONTHS)
    # Closure is when the referral entered its closed state (its last change for the rare referral
    # closed without a timeline entry); compared on the local day.
    cutoff = timezone.make_aware(datetime.combine(limit + timedelta(days=1), time.min))
    closed = with_closure(Orientation.objects.filter(state__in=NEVER_CARED)).annotate(
        closure=Coalesce("closed_at", "updated_at")
    ).filter(closure__lt=cutoff)
    return PieceJointe.objects.filter(orientation__in=closed.values("pk"))


def erasure_requests(famille) -> QuerySet:
    return DemandeEffacement.objects.filter(famille=famille).select_related("traitee_par")


def family_file(famille_pk: int) -> Famille:
    """Everything the portal holds on one family, for the export (read by :mod:`rgpd.export`)."""
    from parcours.models import Presence, TransitionLog

    return Famille.objects.select_related("commune", "created_by_partenaire").prefetch_related(
        "parents", "enfants", "consentements",
        Prefetch("orientations", queryset=Orientation.objects.select_related(
            "partenaire", "convention", "structure", "enfant").prefetch_related("evenements", "pieces_jointes")),
        Prefetch("parcours", queryset=Parcours.objects.select_related(
            "convention", "enfant", "reunion", "projet_accueil", "adaptation", "bilan", "sortie",
        ).prefetch_related(
            Prefetch("presences", queryset=Presence.objects.order_by("date", "arrivee")),
            Prefetch("transitions", queryset=TransitionLog.objects.order_by("at", "pk")),
            "notes", "attributions",
        )),
    ).get(pk=famille_pk)
