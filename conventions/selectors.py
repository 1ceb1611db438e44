"""Every read of the conventions app that a page, a report or another app needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from portail.models import Role
from portail.permissions import scope

from . import rules
from .models import (
    Attribution,
    Bareme,
    Convention,
    DemandePlace,
    PlaceReservee,
    Signataire,
    Structure,
    TauxEffort,
)


class BaremeIntrouvable(LookupError):
    """No barème was in force on the requested day."""


def bareme_on(day: date) -> rules.Bareme:
    """The CNAF barème in force on ``day`` (two queries).

    Each of the floor, the ceiling and the taux d'effort tables is taken from the latest barème
    in force that gives it: a barème entered with only a new ceiling keeps the last known floor
    and tables. Raises :class:`BaremeIntrouvable` before the first barème.
    """
    baremes = list(
        Bareme.objects.filter(effective_from__lte=day).order_by("-effective_from").prefetch_related("taux")
    )
    if not baremes:
        raise BaremeIntrouvable(f"Aucun barème CNAF n'est en vigueur le {day:%d/%m/%Y}.")
    plancher = next((b.plancher for b in baremes if b.plancher is not None), None)
    plafond = next((b.plafond for b in baremes if b.plafond is not None), None)
    with_rates = next((b for b in baremes if b.taux.all()), None)
    if plancher is None or plafond is None or with_rates is None:
        raise BaremeIntrouvable(f"Le barème CNAF en vigueur le {day:%d/%m/%Y} est incomplet.")
    rates: dict[rules.CareType, list[tuple[int, object]]] = {care_type: [] for care_type in rules.CareType}
    for row in sorted(with_rates.taux.all(), key=lambda row: row.min_enfants):
        rates[rules.CareType(row.care_type)].append((row.min_enfants, row.taux))
    missing = [label for value, label in TauxEffort.CareType.choices if not rates[rules.CareType(value)]]
    if missing:
        raise BaremeIntrouvable(f"Le barème CNAF du {with_rates.effective_from:%d/%m/%Y} n'a pas de taux pour : "
                                + ", ".join(label.lower() for label in missing) + ".")
    return rules.Bareme(
        effective_from=baremes[0].effective_from,
        plancher=plancher,
        plafond=plafond,
        rates={care_type: tuple(rows) for care_type, rows in rates.items()},
        max_children=with_rates.max_enfants,
    )


# --- Scoped querysets -----------------------------------------------------------------------


def _count(queryset, outer: str):
    """A correlated ``COUNT(*)`` of ``queryset`` where ``outer`` (a path) is the outer row.

    A plain aggregate (``SELECT COUNT(*) … WHERE outer = …``, one row, no ``GROUP BY … LIMIT 1``):
    with a ``LIMIT 1`` the planner expects to stop at the first matching row and scans the whole
    table for each outer row; without it, it reads the outer row's own rows from their index.
    """
    return Subquery(
        queryset.filter(**{outer: OuterRef("pk")}).order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def active_on(day: date) -> Q:
    """Attributions covering ``day``."""
    return Q(debut__lte=day) & (Q(fin__isnull=True) | Q(fin__gte=day))


def structures_for(user, membership, *, day: date | None = None):
    """Facilities the user may see, with the counts their list and the 1-in-20 rule need."""
    day = day or timezone.localdate()
    attributions = Attribution.objects.filter(active_on(day))
    queryset = scope(Structure.objects.all(), user, membership).select_related("commune", "gestionnaire")
    return queryset.annotate(
        reserved=_count(PlaceReservee.objects.all(), "structure"),
        insertion_now=_count(attributions, "place__structure"),
    )


def visible_conventions(user, membership) -> QuerySet:
    """The conventions ``user`` may see through ``membership``: the policy's scope, where a funder
    sees only the conventions their partner signed *as financeur* (seed 000: the Département and the
    CAF fund; a partner that signed in another role, a prescriber, funds nothing)."""
    queryset = scope(Convention.objects.all(), user, membership)
    if membership is not None and membership.role == Role.FINANCEUR and not user.is_superuser:
        queryset = queryset.filter(Exists(Signataire.objects.filter(
            convention=OuterRef("pk"), partenaire=membership.partenaire_id, role=Signataire.RoleConvention.FINANCEUR,
        )))
    return queryset


def conventions_for(user, membership, *, day: date | None = None):
    """Conventions the user may see (:func:`visible_conventions`), annotated with today's occupancy
    (``reserved``, ``occupied``, ``releasing``, ``waiting``; ``Convention.free`` follows)."""
    day = day or timezone.localdate()
    soon = day + timedelta(days=UPCOMING_DAYS)
    # Occupied places are counted among the convention's own places (at most one attribution
    # covers a place on a day: the no-overlap constraint), releases among the attributions ending
    # in the next 30 days (``attribution_fin_idx``): neither scans the attribution history (which
    # grows every year) once per convention.
    occupied_places = PlaceReservee.objects.filter(
        Exists(Attribution.objects.filter(active_on(day), place=OuterRef("pk"))))
    return visible_conventions(user, membership).annotate(
        reserved=_count(PlaceReservee.objects.all(), "convention"),
        occupied=_count(occupied_places, "convention"),
        releasing=_count(Attribution.objects.filter(fin__gte=day, fin__lte=soon), "place__convention"),
        waiting=_count(DemandePlace.objects.filter(state=DemandePlace.State.EN_ATTENTE), "convention"),
    )


UPCOMING_DAYS = 30


@dataclass(frozen=True)
class Occupancy:
    structure: Structure
    kind: str
    kind_label: str
    reserved: int
    occupied: int

    @property
    def free(self) -> int:
        return max(self.reserved - self.occupied, 0)


def occupancy_rows(convention: Convention, day: date) -> list[Occupancy]:
    """Reserved, occupied and free slots of ``convention`` on ``day``, per facility and kind (2 queries)."""
    places = list(
        PlaceReservee.objects.filter(convention=convention).select_related("structure")
        .annotate(busy=Exists(Attribution.objects.filter(active_on(day), place=OuterRef("pk"))))
        .order_by("structure__nom", "kind", "numero")
    )
    rows: dict[tuple[int, str], list] = {}
    labels = dict(PlaceReservee.Kind.choices)
    for place in places:
        key = (place.structure_id, place.kind)
        row = rows.setdefault(key, [place.structure, place.kind, 0, 0])
        row[2] += 1
        row[3] += int(place.busy)
    return [Occupancy(s, kind, labels[kind], reserved, occupied) for s, kind, reserved, occupied in rows.values()]


def current_attributions(convention: Convention, day: date):
    """Attributions of ``convention`` running on ``day`` or starting later, soonest release first."""
    return (
        Attribution.objects.filter(place__convention=convention)
        .filter(Q(fin__isnull=True) | Q(fin__gte=day))
        .select_related("place__structure", "parcours")
        .order_by(F("fin").asc(nulls_last=True), "debut")
    )


def waiting_list(convention: Convention):
    return (
        DemandePlace.objects.filter(convention=convention, state=DemandePlace.State.EN_ATTENTE)
        .select_related("parcours")
        .order_by("created_at", "pk")
    )


def insertion_guarantee(structure) -> dict:
    """Décret 2009-404: the guaranteed minimum, the children in an insertion pathway now, the shortfall.

    ``structure`` comes from :func:`structures_for` (``insertion_now`` annotated).
    """
    minimum = rules.insertion_places_minimum(structure.places_total)
    return {
        "minimum": minimum,
        "current": structure.insertion_now,
        "shortfall": max(minimum - structure.insertion_now, 0),
    }


# --- Free-of-charge period of a pathway ----------------------------------------------------


@dataclass(frozen=True)
class FreePeriod:
    first_day: date | None
    last_day: date | None
    max_months: int | None
    exited: bool

    @property
    def started(self) -> bool:
        return self.first_day is not None


def free_period(parcours) -> FreePeriod:
    """The free-of-charge period of ``parcours``: from its first day of care to the convention's
    maximum or the exit (the last day of its last attribution once all are closed), whichever is
    first. Uses ``parcours.attributions.all()`` and ``parcours.convention``: prefetch them on lists
    (``prefetch_related("attributions")``, ``select_related("convention")``)."""
    attributions = list(parcours.attributions.all())
    max_months = parcours.convention.gratuite_mois
    if not attributions:
        return FreePeriod(None, None, max_months, exited=False)
    first_day = min(a.debut for a in attributions)
    exited = all(a.fin is not None for a in attributions)
    exit_day = max(a.fin for a in attributions) if exited else None
    return FreePeriod(first_day, rules.free_period_end(first_day, max_months, exit_day), max_months, exited)


# --- Occupancy over a year (reports, benchmark) -----------------------------------------------


def yearly_occupancy(year: int, conventions=None) -> dict[int, dict]:
    """For each convention: its reserved slots and, for every day of ``year``, the occupied slots.

    Two queries whatever the volume: the reserved counts, then the changes of occupancy (+n on
    the days attributions start, −n the day after they end), swept day by day in Python. On
    PostgreSQL the database groups the changes into one array per convention, so 100 000
    attributions cost a few hundred rows; elsewhere the attributions come back as bare tuples.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = (last - first).days + 1
    places = PlaceReservee.objects.all()
    ids = None
    if conventions is not None:
        ids = [getattr(c, "pk", c) for c in conventions]
        places = places.filter(convention__in=ids)
    result = {
        row["convention"]: {"reserved": row["n"], "occupied": [0] * days}
        for row in places.order_by().values("convention").annotate(n=Count("pk"))
    }
    deltas = {pk: [0] * (days + 1) for pk in result}
    for convention_id, offsets, changes in _occupancy_changes(first, last, ids):
        delta = deltas[convention_id]
        for offset, change in zip(offsets, changes, strict=True):
            delta[offset] += change
    for pk, delta in deltas.items():
        running, occupied = 0, result[pk]["occupied"]
        for index in range(days):
            running += delta[index]
            occupied[index] = running
    return result


_CHANGES_SQL = """
SELECT convention_id, array_agg(day_offset), array_agg(change) FROM (
    SELECT p.convention_id, e.day_offset, SUM(e.change) AS change
    FROM conventions_attribution a
    JOIN conventions_placereservee p ON p.id = a.place_id
    CROSS JOIN LATERAL (VALUES
        (GREATEST(a.debut, %(first)s) - %(first)s, 1),
        (CASE WHEN a.fin < %(last)s THEN a.fin + 1 - %(first)s END, -1)
    ) AS e(day_offset, change)
    WHERE a.debut <= %(last)s AND (a.fin IS NULL OR a.fin >= %(first)s) AND e.day_offset IS NOT NULL {only}
    GROUP BY 1, 2
) changes GROUP BY convention_id
"""


def _occupancy_changes(first: date, last: date, ids):
    """``(convention id, [day offsets], [changes])`` rows over [first, last]."""
    if connection.vendor == "postgresql":
        only = "AND p.convention_id = ANY(%(ids)s)" if ids is not None else ""
        with connection.cursor() as cursor:
            cursor.execute(_CHANGES_SQL.format(only=only), {"first": first, "last": last, "ids": ids})
            yield from cursor.fetchall()
        return
    rows = Attribution.objects.filter(debut__lte=last).filter(Q(fin__isnull=True) | Q(fin__gte=first))
    if ids is not None:
        rows = rows.filter(place__convention__in=ids)
    for convention_id, debut, fin in rows.values_list("place__convention_id", "debut", "fin").iterator(2000):
        offsets, changes = [(max(debut, first) - first).days], [1]
        if fin is not None and fin < last:
            offsets.append((fin - first).days + 1)
            changes.append(-1)
        yield convention_id, offsets, changes


# --- What the family would pay (financial review, waived amount) ------------------------------


def care_type_of(structure: Structure) -> rules.CareType:
    """The familial barème for a crèche familiale or a facility declared as familial care
    (seed 003 §3.4: the taux d'effort depends on collective or familial care), else collective."""
    if structure.accueil_familial or structure.kind == Structure.Kind.CRECHE_FAMILIALE:
        return rules.CareType.FAMILIAL
    return rules.CareType.COLLECTIF


def fee_for(parcours, *, day: date, hours_per_month) -> rules.Fee | None:
    """The CNAF fee the family of ``parcours`` would pay on ``day`` for ``hours_per_month`` hours.

    The one fee computation of a pathway (the financial review uses it too). Reads the family
    (resources and their status, dependent children, AEEH/PCH, commune) and the facility of the
    attribution running that day (or the last one): familial or collective barème
    (:func:`care_type_of`), outside-commune surcharge and fixed emergency rate of the facility; the
    adaptation-or-emergency place counts as emergency care. ``None`` before any attribution.
    During the free period the family pays nothing and this is the waived amount
    (``rules.waived_amount(fee, months)`` over several months).
    """
    attributions = sorted(parcours.attributions.all(), key=lambda a: a.debut)
    running = [a for a in attributions if a.debut <= day and (a.fin is None or a.fin >= day)]
    attribution = (running or attributions or [None])[-1]
    if attribution is None:
        return None
    structure = attribution.place.structure
    famille = parcours.famille
    return rules.compute_fee(
        bareme_on(day),
        care_type=care_type_of(structure),
        children=max(famille.enfants_a_charge, 1),
        monthly_resources=famille.ressources_mensuelles,
        resources=rules.Resources(famille.ressources_statut),
        disabled_child=famille.enfant_handicape,
        outside_commune=famille.commune_id != structure.commune_id,
        hours_per_month=hours_per_month,
        emergency=attribution.place.kind == PlaceReservee.Kind.ADAPTATION_URGENCE,
        emergency_rate=structure.tarif_urgence,
        outside_commune_surcharge=structure.majoration_hors_commune,
    )
