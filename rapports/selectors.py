"""Every read of the reports: permission-scoped conventions and the figures of a report.

The figures are SQL aggregates (``aggregate``/``annotate`` with filtered ``Count``/``Sum``,
``IN`` subqueries); a median reads the one or two middle rows of an ordered query. A report
costs a fixed number of queries whatever the number of pathways.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncMonth
from django.utils import timezone

from conventions.models import Attribution, Convention, DemandePlace, Financement, PlaceReservee, Structure
from conventions.selectors import visible_conventions
from orientations.models import AWAITING_STATES, MotifRefus, Orientation
from parcours.models import Bilan, Parcours, Presence, Sortie, TransitionLog
from portail.models import Commune, Partenaire, Role
from portail.permissions import scope

from . import rules

# --- Scope ------------------------------------------------------------------------------------


def reports_conventions(user, membership) -> QuerySet:
    """The conventions whose reports ``user`` may open through ``membership``.

    Coordinators: the conventions they coordinate. Funders: only the conventions their partner
    signed as *financeur*, never those it signed in another role (the conventions app's rule).
    """
    return visible_conventions(user, membership)


def secrecy_applies(user, membership) -> bool:
    """Funders see no cell counting fewer than five people; coordinators see the counts."""
    return not user.is_superuser and membership is not None and membership.role == Role.FINANCEUR


# --- The report's shape -----------------------------------------------------------------------


@dataclass
class Cell:
    """One figure. ``kind``: text, people, number, euros, percent, days, hours.

    ``people`` is the number of people behind a figure that is not itself a count (a median, a
    rate): it carries the statistical secrecy of the cell.
    """

    value: object
    kind: str = "people"
    people: int | None = None

    @property
    def secret_candidate(self) -> bool:
        if self.kind == "people":
            return rules.is_secret(self.value)
        return rules.is_secret(self.people)


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


@dataclass
class Report:
    convention: Convention
    period: rules.Period
    parties: list[tuple[str, str]]
    sections: list[Section]


def _text(value) -> Cell:
    return Cell(value, "text")


def _days(delta: timedelta | None) -> Decimal | None:
    if delta is None:
        return None
    return (Decimal(delta.total_seconds()) / 86400).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def median(queryset: QuerySet, expression, count: int | None = None) -> tuple[object | None, int]:
    """The median of ``expression`` over ``queryset`` and the number of rows behind it.

    Two queries: a count, then the one or two middle values of the ordered rows; one only when
    the caller already counted the rows whose ``expression`` is not null (``count``).
    """
    annotated = queryset.annotate(_median_value=expression).filter(_median_value__isnull=False)
    n = annotated.count() if count is None else count
    if not n:
        return None, 0
    middle = list(
        annotated.order_by("_median_value").values_list("_median_value", flat=True)[(n - 1) // 2: n // 2 + 1]
    )
    if isinstance(middle[0], timedelta):
        return sum(middle, timedelta()) / len(middle), n
    return sum(middle) / len(middle), n


def _duration(lhs, rhs):
    return ExpressionWrapper(F(lhs) - F(rhs), output_field=DurationField())


def instants(period) -> tuple[datetime, datetime]:
    """The period as instants: its first day's midnight and the next midnight after its last day.

    Filtering a timestamp with ``>= start`` and ``< end`` gives the days of ``__date__range`` in the
    portal's time zone, and lets the database use an index on the column.
    """
    return (
        timezone.make_aware(datetime.combine(period.start, time.min)),
        timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min)),
    )


# --- Sections ---------------------------------------------------------------------------------


def _referrals(convention, period) -> list[Section]:
    """Referrals sent in the period, each counted in the state it was in **at the end of the period**.

    A referral leaves the awaiting states when it is answered (accepted, refused, expired:
    ``answered_at``) or cancelled (the referral's timeline, :class:`~orientations.models.Evenement`).
    One answered after the period's end was still awaiting at its end, so the report of a past
    period does not change when it is computed again later.
    """
    start, end = instants(period)
    referrals = Orientation.objects.filter(convention=convention, sent_at__gte=start, sent_at__lt=end)
    answered_by_end = Q(answered_at__lt=end) | Q(answered_at__isnull=True)
    by_kind = (
        referrals.values("partenaire__kind")
        .annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=Q(state=Orientation.State.ACCEPTEE) & answered_by_end),
            refused=Count("pk", filter=Q(state=Orientation.State.REFUSEE) & answered_by_end),
            waiting=Count("pk", filter=Q(state__in=AWAITING_STATES) | Q(answered_at__gte=end)),
            expired=Count("pk", filter=Q(state=Orientation.State.EXPIREE) & answered_by_end),
            cancelled=Count("pk", filter=Q(state=Orientation.State.ANNULEE)),
            answered=Count("pk", filter=Q(answered_at__lt=end)),
        )
        .order_by("partenaire__kind")
    )
    # Cancelled after the period's end (the timeline's step to « annulée »): still awaiting at its end.
    # A query of its own, driven by the few cancelled referrals, so the one above stays a plain scan.
    cancelled_later = dict(
        referrals.filter(
            state=Orientation.State.ANNULEE, evenements__cible=Orientation.State.ANNULEE, evenements__at__gte=end
        ).values("partenaire__kind").annotate(n=Count("pk", distinct=True)).values_list("partenaire__kind", "n")
    )
    kinds = dict(Partenaire.Kind.choices)
    section = Section(
        "orientations", "Orientations reçues par type de partenaire",
        ["Type de partenaire", "Reçues", "Acceptées", "Refusées", "En attente à la fin de la période",
         "Annulées ou expirées"],
        note="Chaque orientation envoyée sur la période est comptée dans l'état où elle était le dernier "
             "jour de la période.",
    )
    totals = [0, 0, 0, 0, 0]
    answered = 0
    for row in by_kind:
        later = cancelled_later.get(row["partenaire__kind"], 0)
        figures = [row["received"], row["accepted"], row["refused"], row["waiting"] + later,
                   row["expired"] + row["cancelled"] - later]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        answered += row["answered"]
        section.rows.append([_text(kinds.get(row["partenaire__kind"], row["partenaire__kind"]))]
                            + [Cell(v) for v in figures])
    section.rows.append([_text("Total")] + [Cell(v) for v in totals])
    delay, answered = median(
        referrals.filter(answered_at__lt=end), _duration("answered_at", "sent_at"), count=answered
    )
    section.rows.append(
        [_text("Délai médian de réponse (jours)"), Cell(_days(delay), "days", answered), *[_text("")] * 4]
    )

    reasons = Section("refus", "Motifs des refus", ["Motif", "Orientations refusées"])
    labels = dict(MotifRefus.choices)
    for row in (
        referrals.filter(Q(state=Orientation.State.REFUSEE) & answered_by_end)
        .values("motif_refus").annotate(n=Count("pk")).order_by("-n", "motif_refus")
    ):
        reasons.rows.append([_text(labels.get(row["motif_refus"], row["motif_refus"])), Cell(row["n"])])
    return [section, reasons]


def occupancy(convention, period) -> list[dict]:
    """Reserved and occupied place-days of each month of the period (one query for all months).

    Reserved place-days: the convention's slots × the days of the month inside the convention's
    dates. Occupied place-days: the days the attributions cover inside the month.
    """
    places = PlaceReservee.objects.filter(convention=convention).count()
    months = period.months()
    aggregates = {}
    for index, (first, last) in enumerate(months):
        overlapping = Q(debut__lte=last) & (Q(fin__isnull=True) | Q(fin__gte=first))
        span = ExpressionWrapper(
            Least(Coalesce("fin", Value(last)), Value(last)) - Greatest("debut", Value(first)),
            output_field=DurationField(),
        )
        aggregates[f"span{index}"] = Sum(span, filter=overlapping)
        aggregates[f"rows{index}"] = Count("pk", filter=overlapping)
        aggregates[f"children{index}"] = Count("parcours", filter=overlapping, distinct=True)
    in_period = Q(debut__lte=period.end) & (Q(fin__isnull=True) | Q(fin__gte=period.start))
    attributions = Attribution.objects.filter(in_period, place__convention=convention)
    totals = attributions.aggregate(**aggregates) if months else {}
    result = []
    for index, (first, last) in enumerate(months):
        span = totals[f"span{index}"] or timedelta()
        occupied = span.days + totals[f"rows{index}"]  # each attribution also holds its first day
        open_days = rules.overlap_days(convention.debut, convention.fin, first, last)
        reserved = places * open_days
        result.append({
            "month": first, "label": rules.month_label(first), "places": places if open_days else 0,
            "reserved": reserved, "occupied": occupied, "children": totals[f"children{index}"],
            "rate": rules.rate(occupied, reserved),
        })
    return result


def _places(convention, period) -> Section:
    section = Section(
        "places", "Places réservées et taux d'occupation par mois",
        ["Mois", "Places réservées", "Journées-places réservées", "Journées-places occupées",
         "Taux d'occupation (%)", "Enfants accueillis"],
        note="Taux d'occupation : journées-places occupées ÷ journées-places réservées.",
    )
    reserved = occupied = 0
    for month in occupancy(convention, period):
        reserved += month["reserved"]
        occupied += month["occupied"]
        section.rows.append([
            _text(month["label"]), Cell(month["places"], "number"), Cell(month["reserved"], "number"),
            Cell(month["occupied"], "number"), Cell(month["rate"], "percent"), Cell(month["children"]),
        ])
    section.rows.append([
        _text("Période"), _text(""), Cell(reserved, "number"), Cell(occupied, "number"),
        Cell(rules.rate(occupied, reserved), "percent"), _text(""),
    ])
    return section


def _children(convention, period) -> Section:
    start, end = instants(period)
    in_period = (period.start, period.end)
    counts = Parcours.objects.filter(convention=convention).aggregate(
        entries=Count("pk", filter=Q(premier_accueil_le__range=in_period)),
        exits=Count("sortie", filter=Q(sortie__date__range=in_period)),
        exits_after_care=Count("sortie", filter=Q(sortie__date__range=in_period, premier_accueil_le__isnull=False)),
    )
    overlapping = Attribution.objects.filter(
        Q(debut__lte=period.end) & (Q(fin__isnull=True) | Q(fin__gte=period.start))
    )
    welcomed = Parcours.objects.filter(convention=convention, pk__in=overlapping.values("parcours")).count()
    abandons = TransitionLog.objects.filter(
        parcours__convention=convention, target=Parcours.State.ABANDON, at__gte=start, at__lt=end,
    ).values("parcours").distinct().count()
    length, exited = median(
        Sortie.objects.filter(
            parcours__convention=convention, date__range=in_period, parcours__premier_accueil_le__isnull=False,
        ),
        _duration("date", "parcours__premier_accueil_le"),
        count=counts["exits_after_care"],
    )
    attendance = Presence.objects.filter(parcours__convention=convention, date__range=in_period)
    total = attendance.aggregate(total=Sum(_duration("depart", "arrivee")))["total"]
    # The number of children behind the hours only decides the statistical secrecy: counting up
    # to the threshold is enough, and spares a COUNT(DISTINCT) over every attendance.
    attended = len(
        Parcours.objects.filter(
            convention=convention, pk__in=Presence.objects.filter(date__range=in_period).values("parcours")
        ).order_by().values_list("pk", flat=True)[:rules.SECRECY_THRESHOLD]
    )
    hours = Decimal((total or timedelta()).total_seconds()) / 3600
    section = Section("enfants", "Enfants accueillis, entrées et sorties", ["Indicateur", "Valeur"])
    section.rows = [
        [_text("Enfants accueillis sur une place réservée"), Cell(welcomed)],
        [_text("Entrées (premier jour d'accueil)"), Cell(counts["entries"])],
        [_text("Sorties vers le droit commun"), Cell(counts["exits"])],
        [_text("Abandons"), Cell(abandons)],
        [_text("Durée médiane dans le dispositif à la sortie (jours)"), Cell(_days(length), "days", exited)],
        [_text("Heures d'accueil réalisées"), Cell(hours.quantize(Decimal("0.01")), "hours", attended)],
    ]
    return section


def _reviews_and_money(convention, period, today: date) -> list[Section]:
    reviews = Bilan.objects.filter(parcours__convention=convention, date__range=(period.start, period.end))
    totals = reviews.aggregate(
        held=Count("pk"),
        on_time=Count("pk", filter=Q(date__lte=F("parcours__bilan_prevu_le"))),
        late=Count("pk", filter=Q(date__gt=F("parcours__bilan_prevu_le"))),
        waived=Sum("montant_exonere"),
        cost=Sum("cout_convention"),
        hours=Sum("heures_accueil"),
    )
    overdue = Parcours.objects.filter(
        convention=convention, bilan__isnull=True, state=Parcours.State.ACCUEIL,
        bilan_prevu_le__range=(period.start, min(period.end, today - timedelta(days=1))),
    ).count()
    bilans = Section("bilans", "Bilans à 6 mois", ["Indicateur", "Valeur"])
    bilans.rows = [
        [_text("Bilans tenus"), Cell(totals["held"])],
        [_text("dont à la date prévue ou avant"), Cell(totals["on_time"])],
        [_text("dont en retard"), Cell(totals["late"])],
        [_text("Bilans dus sur la période et non tenus"), Cell(overdue)],
    ]
    waived = totals["waived"] or Decimal("0.00")
    cost = totals["cost"] or Decimal("0.00")
    money = Section(
        "financement", "Participation familiale exonérée, budget et financements", ["Poste", "Montant (€)"],
        note="Participation exonérée et coût : montants enregistrés aux bilans à 6 mois tenus sur la période "
             "(moteur de tarif CNAF). Budget et financements annuels : part des jours de la période où la "
             "convention court, rapportée aux jours où elle court dans l'année.",
    )
    money.rows = [
        [_text("Participation familiale exonérée"), Cell(waived, "euros", totals["held"])],
        [_text("Coût pour la convention"), Cell(cost, "euros", totals["held"])],
    ]
    years = range(period.start.year, period.end.year + 1)
    if convention.budget_annuel is not None:
        budget = sum(rules.prorated(convention.budget_annuel, year, period.start, period.end, convention.debut,
                                    convention.fin) for year in years)
        money.rows.append([_text("Budget annuel de la convention"), Cell(convention.budget_annuel, "euros")])
        money.rows.append([_text("Budget de la convention rapporté à la période"), Cell(budget, "euros")])
    funded = Decimal("0.00")
    for line in (
        Financement.objects.filter(convention=convention, annee__range=(period.start.year, period.end.year))
        .select_related("partenaire").order_by("annee", "partenaire__nom")
    ):
        share = rules.prorated(line.montant, line.annee, period.start, period.end, convention.debut, convention.fin)
        funded += share
        money.rows.append([_text(f"Financement {line.annee} : {line.partenaire.nom} (part de la période)"),
                           Cell(share, "euros")])
    money.rows.append([_text("Total des financements sur la période"), Cell(funded, "euros")])
    money.rows.append([_text("Financements moins coût enregistré"), Cell(funded - cost, "euros")])
    return [bilans, money]


def _outcomes(convention, period) -> Section:
    """Exits by the child's care, the parent's situation and the contract: one grouped query (the
    combinations are few), summed by each of the three in Python."""
    combinations = (
        Sortie.objects.filter(parcours__convention=convention, date__range=(period.start, period.end))
        .values_list("issue_enfant", "situation_parent", "contrat").annotate(n=Count("pk")).order_by()
    )
    by_child: dict[str, int] = {}
    by_parent: dict[str, int] = {}
    by_contract: dict[str, int] = {}
    for issue, situation, contract, n in combinations:
        by_child[issue] = by_child.get(issue, 0) + n
        by_parent[situation] = by_parent.get(situation, 0) + n
        if contract:
            by_contract[contract] = by_contract.get(contract, 0) + n
    section = Section("sorties", "Issues à la sortie", ["Issue", "Sorties"])
    for prefix, counts, labels in (
        ("Enfant", by_child, dict(Sortie.IssueEnfant.choices)),
        ("Parent", by_parent, dict(Sortie.SituationParent.choices)),
        ("Contrat du parent", by_contract, dict(Sortie.Contrat.choices)),
    ):
        for key in sorted(counts):
            section.rows.append([_text(f"{prefix} : {labels.get(key, key)}"), Cell(counts[key])])
    return section


def convention_report(convention: Convention, period: rules.Period, *, today: date) -> Report:
    """Every figure of a convention's report for ``period``."""
    parties = [
        (s.partenaire.nom, s.get_role_display())
        for s in convention.signataires.select_related("partenaire").order_by("role", "partenaire__nom")
    ]
    sections = [
        *_referrals(convention, period),
        _places(convention, period),
        _children(convention, period),
        *_reviews_and_money(convention, period, today),
        _outcomes(convention, period),
    ]
    return Report(convention=convention, period=period, parties=parties, sections=sections)


DETAIL_COLUMNS = [
    "Code du parcours", "Étape", "Premier jour d'accueil", "Dernier jour de gratuité", "Bilan prévu le",
    "Bilan tenu le", "Sortie le", "Heures de présence sur la période", "Participation exonérée (€)",
]


def detail_rows(convention: Convention, period: rules.Period) -> tuple[int, object]:
    """The pathways of the convention open during the period, one row each, without any name.

    Returns the count and an iterator over rows (a streaming cursor: memory stays flat).
    The code ``P-000123`` is the pathway's number, which only the coordination can link to a family.
    """
    hours = (
        Presence.objects.filter(parcours=OuterRef("pk"), date__range=(period.start, period.end))
        .values("parcours").annotate(total=Sum(_duration("depart", "arrivee"))).values("total")
    )
    queryset = (
        Parcours.objects.filter(convention=convention)
        .filter(Q(premier_accueil_le__lte=period.end)
                | Q(premier_accueil_le__isnull=True, created_at__date__lte=period.end))
        .filter(Q(sortie__isnull=True) | Q(sortie__date__gte=period.start))
        .exclude(state=Parcours.State.ABANDON, updated_at__date__lt=period.start)
        .annotate(presence=Subquery(hours, output_field=DurationField()))
        .order_by("pk")
        .values_list(
            "pk", "state", "premier_accueil_le", "fin_gratuite_le", "bilan_prevu_le", "bilan__date",
            "sortie__date", "presence", "bilan__montant_exonere",
        )
    )
    states = dict(Parcours.State.choices)

    def rows():
        for pk, state, first, free_end, due, held, exit_day, presence, waived in queryset.iterator(chunk_size=2000):
            yield [
                f"P-{pk:06d}", states.get(state, state), first, free_end, due, held, exit_day,
                round(presence.total_seconds() / 3600, 2) if presence else 0.0,
                float(waived) if waived is not None else None,
            ]

    return queryset.count(), rows()


# --- Observatory ------------------------------------------------------------------------------


def observatory(conventions: QuerySet, period: rules.Period, *, communes=None, now=None) -> dict:
    """Requests, offers, entries, exits and families still waiting, by commune and by QPV.

    ``conventions``: the scoped conventions; ``communes``: the territory (None: every commune).
    A fixed number of queries, whatever the number of referrals.
    """
    now = now or timezone.now()
    referrals = Orientation.objects.filter(convention__in=conventions)
    pathways = Parcours.objects.filter(convention__in=conventions)
    places = PlaceReservee.objects.filter(convention__in=conventions)
    if communes is not None:
        referrals = referrals.filter(famille__commune__in=communes)
        pathways = pathways.filter(famille__commune__in=communes)
        places = places.filter(structure__commune__in=communes)
    in_period = (period.start, period.end)

    def grouped(key: str) -> dict:
        rows: dict = {}
        for row in referrals.values(key).annotate(
            requests=Count("pk", filter=Q(sent_at__date__range=in_period)),
            waiting=Count("pk", filter=Q(state__in=AWAITING_STATES)),
            oldest=Min("sent_at", filter=Q(state__in=AWAITING_STATES)),
        ):
            rows.setdefault(row[key], {}).update(requests=row["requests"], waiting=row["waiting"], oldest=row["oldest"])
        for row in pathways.values(key).annotate(
            entries=Count("pk", filter=Q(premier_accueil_le__range=in_period)),
            exits=Count("sortie", filter=Q(sortie__date__range=in_period)),
            on_list=Count("demandes_place", filter=Q(demandes_place__state=DemandePlace.State.EN_ATTENTE)),
        ):
            rows.setdefault(row[key], {}).update(entries=row["entries"], exits=row["exits"], on_list=row["on_list"])
        return rows

    by_commune = grouped("famille__commune")
    offers = dict(
        places.values("structure__commune").annotate(n=Count("pk")).values_list("structure__commune", "n")
    )
    names = dict(Commune.objects.filter(pk__in=set(by_commune) | set(offers)).values_list("pk", "nom"))

    def finish(label, figures, offer):
        oldest = figures.get("oldest")
        return {
            "label": label, "requests": figures.get("requests", 0), "offers": offer,
            "entries": figures.get("entries", 0), "exits": figures.get("exits", 0),
            "waiting": figures.get("waiting", 0) + figures.get("on_list", 0),
            "longest_wait": (now - oldest).days if oldest else None,
        }

    communes_rows = sorted(
        (finish(names.get(pk, "Commune inconnue"), by_commune.get(pk, {}), offers.get(pk, 0))
         for pk in set(by_commune) | set(offers)),
        key=lambda row: row["label"],
    )
    by_qpv = grouped("famille__qpv")
    qpv_offers = dict(places.values("structure__qpv").annotate(n=Count("pk")).values_list("structure__qpv", "n"))
    qpv_rows = [
        finish(label, by_qpv.get(flag, {}), qpv_offers.get(flag, 0))
        for flag, label in ((True, "En quartier prioritaire (QPV)"), (False, "Hors QPV"))
    ]
    wait, waiting_count = median(
        referrals.filter(state__in=AWAITING_STATES, sent_at__isnull=False),
        ExpressionWrapper(Value(now) - F("sent_at"), output_field=DurationField()),
    )
    requests_by_month = dict(
        referrals.filter(sent_at__date__range=in_period).annotate(m=TruncMonth("sent_at"))
        .values("m").annotate(n=Count("pk")).values_list("m", "n")
    )
    entries_by_month = dict(
        pathways.filter(premier_accueil_le__range=in_period).annotate(m=TruncMonth("premier_accueil_le"))
        .values("m").annotate(n=Count("pk")).values_list("m", "n")
    )
    exits_by_month = dict(
        Sortie.objects.filter(parcours__in=pathways, date__range=in_period).annotate(m=TruncMonth("date"))
        .values("m").annotate(n=Count("pk")).values_list("m", "n")
    )

    def month_key(value):
        return value.date().replace(day=1) if hasattr(value, "date") and callable(value.date) else value

    requests_by_month = {month_key(k): v for k, v in requests_by_month.items()}
    months = []
    for first, _last in period.months():
        key = first.replace(day=1)
        months.append({
            "label": rules.month_label(key), "short": f"{key:%m/%Y}", "requests": requests_by_month.get(key, 0),
            "entries": entries_by_month.get(key, 0), "exits": exits_by_month.get(key, 0),
        })
    return {
        "communes": communes_rows, "qpv": qpv_rows, "months": months,
        "median_wait_days": _days(wait), "waiting_referrals": waiting_count,
    }


# --- Allocation commission --------------------------------------------------------------------


def coordinates(user, membership, convention) -> bool:
    """A superuser, or a coordinator of ``convention`` acting as such."""
    if user.is_superuser:
        return True
    return (
        membership is not None and membership.role == Role.COORDINATEUR
        and scope(Convention.objects.filter(pk=convention.pk), user, membership).exists()
    )


def commissions_for(user, membership) -> QuerySet:
    """The commissions a user sees: those they sit on, and those of the conventions they coordinate."""
    from .models import Commission

    queryset = (
        Commission.objects.select_related("convention").annotate(n=Count("propositions")).order_by("-date", "-pk")
    )
    if user.is_superuser:
        return queryset
    if membership is None:
        return queryset.none()
    condition = Q(membres=membership)
    if membership.role == Role.COORDINATEUR:
        condition |= Q(convention__in=scope(Convention.objects.all(), user, membership))
    return queryset.filter(pk__in=queryset.filter(condition).values("pk"))


def anonymised_requests(commission) -> QuerySet:
    """The requests of a commission as its members see them: code, score, criteria, need. No name,
    no address: only these columns are read from the database."""
    return (
        commission.propositions.order_by("code")
        .values("pk", "code", "proposition", "decision", "observations", "structure_id", "structure__nom",
                "orientation__ponderation", "orientation__ponderation_detail", "orientation__besoin",
                "orientation__urgence", "orientation__date_souhaitee")
    )


def commission_structures(commission) -> QuerySet:
    """The facilities where a place may be granted: those where the commission's convention
    has reserved places."""
    reserved = PlaceReservee.objects.filter(convention_id=commission.convention_id).values("structure_id")
    return Structure.objects.filter(pk__in=reserved).order_by("nom")


def revealed_requests(commission) -> dict[int, dict]:
    """``{proposition pk: child's name, referral and its state}`` for the coordination, once the
    decisions are closed."""
    rows = commission.propositions.values_list(
        "pk", "orientation__enfant__prenom", "orientation__enfant__nom", "orientation_id", "orientation__state"
    )
    return {
        pk: {"nom": f"{first} {last}", "orientation": orientation, "etat": Orientation.State(state).label}
        for pk, first, last, orientation, state in rows
    }
