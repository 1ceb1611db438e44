"""Referrals counted in their state at the end of the period, and the budget prorated to the period."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from conventions.models import Financement
from orientations.models import Evenement, Orientation
from portail.models import Partenaire
from rapports import rules
from rapports.selectors import convention_report
from tests.factories import PartenaireFactory
from tests.rapports.conftest import figures
from tests.rapports.factories import ConventionFactory, D, at, referral

pytestmark = pytest.mark.django_db

S = Orientation.State
PARIS = datetime.timezone(datetime.timedelta(hours=2))  # summer time in Paris


def cancelled(orientation, day):
    """Cancelled by the prescriber on ``day``: the timeline says when (``answered_at`` stays empty)."""
    with freeze_time(at(day)):
        Evenement.objects.create(orientation=orientation, source=S.ENVOYEE, cible=S.ANNULEE)
    Orientation.objects.filter(pk=orientation.pk).update(state=S.ANNULEE)


@pytest.fixture
def across_the_boundary(db):
    """Referrals of the first semester of 2026 and what became of them, before or after 30 June.

    Answered by the end of June: one accepted on 5 June, one refused at 23:30 on 30 June (Paris),
    one cancelled on 15 June. Still awaiting on 30 June: one accepted at 00:30 on 1 July (Paris),
    one refused on 1 July, one cancelled on 2 July, one never answered.
    """
    convention = ConventionFactory(places=1)
    pmi = PartenaireFactory(kind=Partenaire.Kind.DEPARTEMENT_PMI)
    referral(convention, pmi, sent=D(2026, 6, 1), answered=D(2026, 6, 5), state=S.ACCEPTEE)
    late_evening = referral(convention, pmi, sent=D(2026, 6, 20), state=S.REFUSEE, motif_refus="complet")
    Orientation.objects.filter(pk=late_evening.pk).update(
        answered_at=datetime.datetime(2026, 6, 30, 23, 30, tzinfo=PARIS)
    )
    cancelled(referral(convention, pmi, sent=D(2026, 6, 10)), D(2026, 6, 15))
    just_after = referral(convention, pmi, sent=D(2026, 6, 25), state=S.ACCEPTEE)
    Orientation.objects.filter(pk=just_after.pk).update(answered_at=datetime.datetime(2026, 7, 1, 0, 30, tzinfo=PARIS))
    referral(convention, pmi, sent=D(2026, 6, 26), answered=D(2026, 7, 1), state=S.REFUSEE, motif_refus="complet")
    cancelled(referral(convention, pmi, sent=D(2026, 6, 28)), D(2026, 7, 2))
    referral(convention, pmi, sent=D(2026, 6, 29))
    return convention


def test_waiting_is_counted_at_the_end_of_the_period(across_the_boundary):
    report = convention_report(across_the_boundary, rules.semester(2026, 1), today=D(2026, 11, 1))
    rows = figures(report, "orientations")
    #                                   received, accepted, refused, waiting at 30 June, cancelled/expired
    assert rows["Département / PMI"] == [7, 1, 1, 4, 1]
    # Answered by 30 June: after 4 days and after 10 days 13 h 30 (the refusal of 30 June, 23:30).
    assert rows["Délai médian de réponse (jours)"][0] == Decimal("7.3")
    assert figures(report, "refus") == {"Aucune place disponible sur la période demandée": [1]}


def test_the_report_of_a_past_period_does_not_change_later(across_the_boundary):
    semester = rules.semester(2026, 1)
    first = figures(convention_report(across_the_boundary, semester, today=D(2026, 7, 1)), "orientations")
    Orientation.objects.filter(state=S.ENVOYEE).update(state=S.ACCEPTEE, answered_at=timezone.now())
    again = figures(convention_report(across_the_boundary, semester, today=D(2027, 1, 1)), "orientations")
    assert again == first


def test_the_year_sees_every_answer(across_the_boundary):
    rows = figures(convention_report(across_the_boundary, rules.year(2026), today=D(2027, 1, 1)), "orientations")
    assert rows["Département / PMI"] == [7, 2, 2, 1, 2]


def test_a_month_sees_only_its_referrals_in_their_state_at_its_end(across_the_boundary):
    july = figures(convention_report(across_the_boundary, rules.month(2026, 7), today=D(2027, 1, 1)), "orientations")
    assert july["Total"] == [0, 0, 0, 0, 0]


# --- Budget and funding prorated: the Orléans PMI convention of the seeds (seed 000) -------------


@pytest.fixture
def orleans_pmi(db):
    """As ``conventions.demo`` builds it: 1 January 2016 – 31 December 2026, a 55 000 € annual budget
    (seed: 50–60 k€), 40 681 € funded in 2016 by the Département."""
    convention = ConventionFactory(debut=D(2016, 1, 1), fin=D(2026, 12, 31), budget_annuel=Decimal("55000"))
    departement = PartenaireFactory(kind=Partenaire.Kind.DEPARTEMENT_PMI, nom="Conseil départemental du Loiret")
    Financement.objects.create(convention=convention, partenaire=departement, annee=2016, montant=Decimal("40681"))
    return convention


def money(convention, period):
    return figures(convention_report(convention, period, today=D(2026, 11, 1)), "financement")


def test_a_year_holds_the_whole_budget_and_funding(orleans_pmi):
    rows = money(orleans_pmi, rules.year(2016))
    assert rows["Budget de la convention rapporté à la période"] == [Decimal("55000.00")]
    assert rows["Total des financements sur la période"] == [Decimal("40681.00")]


def test_a_semester_holds_its_days_share(orleans_pmi):
    rows = money(orleans_pmi, rules.semester(2016, 1))  # 182 days of leap year 2016's 366
    assert rows["Budget de la convention rapporté à la période"] == [Decimal("27349.73")]
    assert rows["Financement 2016 : Conseil départemental du Loiret (part de la période)"] == [Decimal("20229.35")]
    assert rows["Total des financements sur la période"] == [Decimal("20229.35")]


def test_a_month_and_a_period_across_the_convention_start(orleans_pmi):
    february = money(orleans_pmi, rules.month(2016, 2))  # 29 days of 366
    assert february["Budget de la convention rapporté à la période"] == [Decimal("4357.92")]
    assert february["Total des financements sur la période"] == [Decimal("3223.36")]
    # October 2015 – March 2016: the convention runs only from 1 January, 91 days of 2016.
    across = money(orleans_pmi, rules.custom(D(2015, 10, 1), D(2016, 3, 31)))
    assert across["Budget de la convention rapporté à la période"] == [Decimal("13674.86")]
    assert across["Total des financements sur la période"] == [Decimal("10114.67")]


def test_a_convention_starting_in_the_year_spreads_its_year_over_its_own_days():
    # Lunel (seed 002) opened on 26 February 2024: 310 days in 2024, 35 of them up to 31 March.
    args = (D(2024, 2, 26), D(2026, 12, 31))
    assert rules.prorated(Decimal("55000"), 2024, D(2024, 1, 1), D(2024, 12, 31), *args) == Decimal("55000.00")
    assert rules.prorated(Decimal("55000"), 2024, D(2024, 1, 1), D(2024, 3, 31), *args) == Decimal("6209.68")
    assert rules.prorated(Decimal("55000"), 2023, D(2023, 1, 1), D(2023, 12, 31), *args) == Decimal("0.00")
