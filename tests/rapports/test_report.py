"""Every figure of a convention report against the hand-built semester of tests/rapports/factories.py."""

from datetime import timedelta
from decimal import Decimal

import pytest

from rapports import rules
from rapports.selectors import convention_report, occupancy
from tests.rapports.conftest import figures
from tests.rapports.factories import D

pytestmark = pytest.mark.django_db


def test_referrals_by_partner_kind_with_answers_and_waiting(report):
    rows = figures(report, "orientations")
    #                                   received, accepted, refused, waiting, cancelled/expired
    assert rows["Département / PMI"] == [3, 2, 1, 0, 0]
    assert rows["PLIE"] == [2, 0, 0, 1, 1]
    assert rows["Total"] == [5, 2, 1, 1, 1]
    # Answer times 2, 4 and 6 days: the median is 4 days (the 2025 referral is outside).
    assert rows["Délai médian de réponse (jours)"][0] == Decimal("4.0")


def test_refusal_reasons(report):
    assert figures(report, "refus") == {"Aucune place disponible sur la période demandée": [1]}


def test_occupancy_rate_by_month(scenario, semester):
    months = occupancy(scenario.convention, semester)
    january, february = months[0], months[1]
    # 2 places × 31 days; P1 holds 5–31 January (27 days), P2 20–31 January (12 days).
    assert (january["reserved"], january["occupied"], january["rate"]) == (62, 39, Decimal("62.9"))
    assert (february["reserved"], february["occupied"], february["rate"]) == (56, 28, Decimal("50.0"))
    assert [m["occupied"] for m in months] == [39, 28, 31, 30, 31, 30]
    assert [m["children"] for m in months] == [2, 1, 1, 1, 1, 1]


def test_occupancy_total_of_the_period(report):
    rows = figures(report, "places")
    assert rows["janvier 2026"] == [2, 62, 39, Decimal("62.9"), 2]
    assert rows["Période"] == ["", 362, 189, Decimal("52.2"), ""]


def test_no_reserved_day_outside_the_convention(scenario):
    # The convention starts on 1 January 2026: December 2025 has no reserved place-day.
    december = occupancy(scenario.convention, rules.month(2025, 12))[0]
    assert (december["reserved"], december["occupied"], december["rate"]) == (0, 0, None)


def test_children_entries_exits_length_and_hours(report):
    rows = figures(report, "enfants")
    assert rows["Enfants accueillis sur une place réservée"] == [2]
    assert rows["Entrées (premier jour d'accueil)"] == [2]
    assert rows["Sorties vers le droit commun"] == [1]
    assert rows["Abandons"] == [0]
    assert rows["Durée médiane dans le dispositif à la sortie (jours)"] == [Decimal("41.0")]
    assert rows["Heures d'accueil réalisées"] == [Decimal("10.00")]


def test_reviews_on_time_late_and_overdue(report):
    rows = figures(report, "bilans")
    assert rows["Bilans tenus"] == [2]
    assert rows["dont à la date prévue ou avant"] == [1]
    assert rows["dont en retard"] == [1]
    assert rows["Bilans dus sur la période et non tenus"] == [1]


def test_waived_amount_budget_and_funding_against_cost(scenario, report):
    rows = figures(report, "financement")
    assert rows["Participation familiale exonérée"] == [Decimal("580.23")]
    assert rows["Coût pour la convention"] == [Decimal("3000.00")]
    assert rows["Budget annuel de la convention"] == [Decimal("50000.00")]
    # The convention runs all 2026; the first semester is 181 of its 365 days.
    assert rows["Budget de la convention rapporté à la période"] == [Decimal("24794.52")]  # 50 000 × 181 / 365
    # Seed 000: 40 681 € from the CAF (30 000) and the Département (10 681), each prorated; 2025's line is outside.
    assert rows["Financement 2026 : " + scenario.caf.nom + " (part de la période)"] == [Decimal("14876.71")]
    assert rows["Financement 2026 : " + scenario.departement.nom + " (part de la période)"] == [Decimal("5296.61")]
    assert rows["Total des financements sur la période"] == [Decimal("20173.32")]
    assert rows["Financements moins coût enregistré"] == [Decimal("17173.32")]


def test_outcomes_at_exit(report):
    assert figures(report, "sorties") == {
        "Enfant : Contrat d'accueil régulier en crèche": [1],
        "Parent : En emploi": [1],
        "Contrat du parent : CDD": [1],
    }


def test_a_month_report_counts_only_that_month(scenario):
    report = convention_report(scenario.convention, rules.month(2026, 2), today=D(2026, 7, 15))
    assert figures(report, "orientations")["Total"] == [1, 0, 0, 0, 1]
    assert figures(report, "enfants")["Heures d'accueil réalisées"] == [Decimal("0.00")]
    assert figures(report, "financement")["Participation familiale exonérée"] == [Decimal("123.45")]


def test_the_report_costs_a_fixed_number_of_queries(scenario, semester, django_assert_max_num_queries):
    with django_assert_max_num_queries(17):
        convention_report(scenario.convention, semester, today=D(2026, 7, 15))
    year = rules.year(2026)
    with django_assert_max_num_queries(17):
        convention_report(scenario.convention, year, today=D(2026, 7, 15))


def test_periods():
    assert rules.semester(2026, 2) == rules.Period(D(2026, 7, 1), D(2026, 12, 31), "2d semestre 2026")
    assert rules.previous_month(D(2026, 1, 1)).start == D(2025, 12, 1)
    assert rules.month(2024, 2).days == 29
    assert rules.custom(D(2026, 3, 3), D(2026, 3, 3)).months() == [(D(2026, 3, 3), D(2026, 3, 3))]
    with pytest.raises(ValueError):
        rules.custom(D(2026, 3, 3), D(2026, 3, 3) - timedelta(days=1))
