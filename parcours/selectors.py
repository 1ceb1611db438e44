"""Every read of the pathway app: permission-scoped, with a fixed number of queries per page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from conventions.models import Attribution, Convention, PlaceReservee
from orientations.models import Famille, Orientation
from portail.models import Role
from portail.pagination import page_of
from portail.permissions import current_membership, scope, within

from .models import NoteSuivi, Parcours, Presence

State = Parcours.State
DASHBOARD_WINDOW_DAYS = 30
DASHBOARD_ROWS = 10
AWAITING_REFERRAL_STATES = ("envoyee", "en_etude")


def visible_parcours(request) -> QuerySet[Parcours]:
    return scope(Parcours.objects.all(), request.user, current_membership(request))


LIST_RELATED = ("convention", "enfant", "famille__anonymisation", "orientation__partenaire")
LIST_PAGE_SIZE = 25


def parcours_list(request, *, q: str = "", state: str = "", convention: str = "") -> QuerySet[Parcours]:
    """The list page: filters by step and convention; search by file number or facility/convention name.

    Every condition is written on the pathway's own columns (subqueries, no join), so that a page
    is chosen on ``parcours_parcours`` alone (:func:`list_page`)."""
    qs = visible_parcours(request).select_related(*LIST_RELATED)
    if state in State.values:
        qs = qs.filter(state=state)
    if convention.isdigit():
        qs = qs.filter(convention_id=int(convention))
    q = q.strip().removeprefix("n°").strip()
    number = "".join(q.split())  # « 3 263 », as a number may be copied from a page
    if number.isdigit():
        qs = qs.filter(Q(pk=int(number)) | Q(orientation_id=int(number)))
    elif q:
        qs = qs.filter(
            Q(convention_id__in=Convention.objects.filter(titre__icontains=q).values("pk"))
            | Q(pk__in=Attribution.objects.filter(place__structure__nom__icontains=q).values("parcours_id"))
        )
    return qs.order_by("-created_at", "-pk")


def list_page(queryset: QuerySet[Parcours], number) -> Page:
    """Page ``number`` of :func:`parcours_list`: its 25 keys are read from the index
    ``parcours_recent_idx`` (scope and filters tested on the index's columns), then only those 25
    pathways are joined to their child, convention, family and prescriber (one query)."""
    return page_of(queryset, number, LIST_PAGE_SIZE, Parcours.objects.select_related(*LIST_RELATED))


def parcours_detail(request, pk: int) -> Parcours:
    """One pathway with its step records (one query), or 404 outside the user's scope."""
    qs = visible_parcours(request).select_related(
        "convention", "enfant", "famille__anonymisation", "orientation__partenaire", "orientation__prescripteur",
        "reunion", "projet_accueil", "adaptation", "bilan", "sortie",
    )
    return get_object_or_404(qs, pk=pk)


def timeline(parcours: Parcours):
    return parcours.transitions.select_related("actor", "membership__partenaire").order_by("at", "pk")


def visible_notes(request, parcours: Parcours) -> QuerySet[NoteSuivi]:
    """A prescriber reads only the notes shared with partners; coordination and facility read all."""
    notes = parcours.notes.select_related("author")
    membership = current_membership(request)
    if not request.user.is_superuser and (membership is None or membership.role == Role.PRESCRIPTEUR):
        notes = notes.filter(visibilite=NoteSuivi.Visibilite.PARTENAIRES)
    return notes


def recent_presences(parcours: Parcours, limit: int = 20):
    return parcours.presences.order_by("-date", "-arrivee")[:limit]


def open_attribution(parcours: Parcours):
    return (
        parcours.attributions.filter(fin__isnull=True).select_related("place__structure").order_by("debut").first()
    )


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def monthly_attendance(parcours: Parcours, first: datetime.date, last: datetime.date) -> int:
    return parcours.presences.filter(date__gte=first, date__lte=last).count()


def under_attendance(qs: QuerySet[Parcours], today: datetime.date) -> QuerySet[Parcours]:
    """Pathways in care for the whole previous calendar month that came fewer times than the
    convention's minimum (2 a month at Petits Pas), annotated with ``venues``.

    The month's count of each candidate is read from the index ``(parcours, date)`` alone
    (``COUNT(*)``, no table access): the cost follows the user's pathways in care, not the
    whole attendance table."""
    first, last = previous_month(today)
    count = (
        Presence.objects.filter(parcours=OuterRef("pk"), date__gte=first, date__lte=last)
        .order_by().values("parcours").annotate(n=Count("*")).values("n")
    )
    return (
        qs.filter(state=State.ACCUEIL, premier_accueil_le__lte=first)
        .annotate(venues=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)))
        .filter(venues__lt=F("convention__frequentation_min_par_mois"))
    )


@dataclass
class DashboardList:
    key: str
    title: str
    count: int
    rows: list
    empty: str


@dataclass
class Occupancy:
    structure: str
    convention: str
    total: int
    occupied: int

    @property
    def free(self) -> int:
        return self.total - self.occupied


def _listed(key, title, qs, empty, *, ranked: bool = False) -> DashboardList:
    """The total of ``qs`` and its first rows.

    A list in index order costs a count and a short index scan (two queries). A ``ranked`` list
    (ordered by a computed value, so every row is computed anyway) gets its total in the same
    query (``COUNT(*) OVER ()``, counted before the limit).
    """
    if not ranked:
        # The ten rows' keys are chosen on the list's own table, then only they are joined.
        page = page_of(qs.select_related(None), 1, DASHBOARD_ROWS, qs)
        return DashboardList(key, title, page.paginator.count, list(page.object_list), empty)
    rows = list(qs.annotate(total=Window(Count("*")))[:DASHBOARD_ROWS])
    return DashboardList(key, title, rows[0].total if rows else 0, rows, empty)


def dashboard(request, today: datetime.date) -> dict:
    """The coordinator's dashboard: six lists with their counts, a fixed number of queries."""
    horizon = today + datetime.timedelta(days=DASHBOARD_WINDOW_DAYS)
    base = visible_parcours(request).select_related("convention", "enfant", "famille__anonymisation")
    lists = [
        _listed("bilans_a_venir", "Bilans à 6 mois dans les 30 jours",
                base.filter(state=State.ACCUEIL, bilan_prevu_le__gte=today, bilan_prevu_le__lte=horizon)
                .order_by("bilan_prevu_le", "pk"), "Aucun bilan dans les 30 prochains jours."),
        _listed("bilans_en_retard", "Bilans en retard",
                base.filter(state=State.ACCUEIL, bilan_prevu_le__lt=today).order_by("bilan_prevu_le", "pk"),
                "Aucun bilan en retard."),
        _listed("gratuites", "Gratuités se terminant dans les 30 jours",
                base.filter(state__in=(State.ACCUEIL, State.BILAN), fin_gratuite_le__gte=today,
                            fin_gratuite_le__lte=horizon).order_by("fin_gratuite_le", "pk"),
                "Aucune gratuité ne se termine dans les 30 prochains jours."),
        _listed("frequentation", "Fréquentation insuffisante le mois dernier",
                # Every candidate is counted to rank them: the child's initials (or the family's
                # anonymisation) are read for the ten rows shown only.
                under_attendance(base.select_related(None).select_related("convention"), today)
                .prefetch_related("enfant", Prefetch("famille", Famille.objects.select_related("anonymisation")))
                .order_by("venues", "pk"),
                "Aucune alerte de fréquentation.", ranked=True),
    ]
    orientations = scope(
        Orientation.objects.filter(state__in=AWAITING_REFERRAL_STATES, echeance__lt=today),
        request.user, current_membership(request),
    ).select_related("convention").order_by("echeance", "pk")
    lists.append(_listed("orientations_en_retard", "Orientations sans réponse après l'échéance", orientations,
                         "Aucune orientation en retard."))
    return {"today": today, "lists": lists, "occupancy": occupancy(request, today)}


def occupancy(request, today: datetime.date) -> list[Occupancy]:
    """Reserved places of the user's conventions, by facility: how many, how many taken today."""
    places = _coordinated_places(request)
    taken = Attribution.objects.filter(place=OuterRef("pk"), debut__lte=today).filter(
        Q(fin__isnull=True) | Q(fin__gte=today)
    )
    rows = (
        places.values("structure__nom", "convention__titre")
        .annotate(total=Count("pk"), occupied=Count("pk", filter=Q(Exists(taken))))
        .order_by("convention__titre", "structure__nom")
    )
    return [Occupancy(r["structure__nom"], r["convention__titre"], r["total"], r["occupied"]) for r in rows]


def _coordinated_places(request) -> QuerySet[PlaceReservee]:
    membership = current_membership(request)
    if request.user.is_superuser:
        return PlaceReservee.objects.all()
    if membership is None or membership.role != Role.COORDINATEUR:
        return PlaceReservee.objects.none()
    # By the place's foreign keys (the conventions and facilities the member coordinates), not by a
    # list of every place's key: the cost follows the member's places only.
    return PlaceReservee.objects.filter(
        within(PlaceReservee, "convention__coordinateurs", membership)
        | within(PlaceReservee, "structure__coordinateurs", membership)
    )
