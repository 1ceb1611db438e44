"""The CNAF fee engine, with the seed's own numbers (003_9c25d7ff7a50f239.txt, annex 2)."""

from datetime import date
from decimal import Decimal

import pytest

from conventions import rules
from conventions.rules import CareType, Resources
from conventions.selectors import BaremeIntrouvable, bareme_on

D = Decimal
COLLECTIF, FAMILIAL = CareType.COLLECTIF, CareType.FAMILIAL

BAREME_2023 = rules.Bareme(
    effective_from=date(2023, 1, 1),
    plancher=D("754.16"),
    plafond=D("6000"),
    rates={
        COLLECTIF: ((1, D("0.0619")), (2, D("0.0516")), (3, D("0.0413")), (4, D("0.0310")), (8, D("0.0206"))),
        FAMILIAL: ((1, D("0.0516")), (2, D("0.0413")), (3, D("0.0310")), (6, D("0.0206"))),
    },
)

# The seed's "TARIFS 2023" table: (care type, children, hourly at the floor, hourly at the ceiling).
SEED_TABLE = [
    (COLLECTIF, 1, "0.47", "3.71"),
    (COLLECTIF, 2, "0.39", "3.10"),
    (COLLECTIF, 3, "0.31", "2.48"),
    (COLLECTIF, 4, "0.23", "1.86"),
    (COLLECTIF, 7, "0.23", "1.86"),
    (COLLECTIF, 8, "0.16", "1.24"),
    (COLLECTIF, 10, "0.16", "1.24"),
    (FAMILIAL, 1, "0.39", "3.10"),
    (FAMILIAL, 2, "0.31", "2.48"),
    (FAMILIAL, 3, "0.23", "1.86"),
    (FAMILIAL, 5, "0.23", "1.86"),
    (FAMILIAL, 6, "0.16", "1.24"),
]


@pytest.mark.parametrize(("care_type", "children", "floor", "ceiling"), SEED_TABLE)
def test_seed_table_of_2023(care_type, children, floor, ceiling):
    at_floor = rules.compute_fee(BAREME_2023, care_type=care_type, children=children, monthly_resources=D("0"))
    at_ceiling = rules.compute_fee(
        BAREME_2023, care_type=care_type, children=children, monthly_resources=D("15000")
    )
    assert (at_floor.hourly, at_floor.applied) == (D(floor), "plancher")
    assert (at_ceiling.hourly, at_ceiling.applied) == (D(ceiling), "plafond")
    assert at_floor.resources_used == D("754.16")
    assert at_ceiling.resources_used == D("6000")


def test_resources_between_floor_and_ceiling_and_monthly_amount():
    fee = rules.compute_fee(
        BAREME_2023, care_type=COLLECTIF, children=2, monthly_resources=D("2500"), hours_per_month=D("120")
    )
    # 2 500 × 0,0516 % = 1,29 €/h; × 120 h = 154,80 €.
    assert fee.hourly == D("1.29")
    assert fee.monthly == D("154.80")
    assert fee.rate == D("0.0516")
    assert fee.applied == "ressources"
    assert fee.bareme_date == date(2023, 1, 1)


def test_seed_example_two_children_at_the_ceiling():
    # "6 000 × 0,0516 % = 3,10 € / heure"
    fee = rules.compute_fee(BAREME_2023, care_type=COLLECTIF, children=2, monthly_resources=D("6000"))
    assert fee.hourly == D("3.10")


def test_disabled_child_gives_the_next_lower_rate():
    fee = rules.compute_fee(
        BAREME_2023, care_type=COLLECTIF, children=1, monthly_resources=D("3000"), disabled_child=True
    )
    assert fee.rate == D("0.0516")
    assert fee.hourly == D("1.55")  # 3 000 × 0,0516 % = 1,548


def test_disabled_child_in_the_largest_tier_keeps_the_lowest_rate():
    fee = rules.compute_fee(
        BAREME_2023, care_type=FAMILIAL, children=6, monthly_resources=D("3000"), disabled_child=True
    )
    assert fee.rate == D("0.0206")


def test_outside_commune_surcharge_is_added_to_the_hourly_fee():
    fee = rules.compute_fee(
        BAREME_2023, care_type=COLLECTIF, children=1, monthly_resources=D("0"), outside_commune=True,
        hours_per_month=D("10"),
    )
    assert fee.surcharge == D("2.28")
    assert fee.hourly == D("2.75")  # 0,47 + 2,28
    assert fee.monthly == D("27.50")


def test_emergency_with_unknown_resources_takes_the_floor():
    fee = rules.compute_fee(BAREME_2023, care_type=COLLECTIF, children=1, resources=Resources.UNKNOWN, emergency=True)
    assert (fee.hourly, fee.applied) == (D("0.47"), "plancher")


def test_emergency_with_the_managers_fixed_rate():
    fee = rules.compute_fee(
        BAREME_2023, care_type=COLLECTIF, children=2, resources=Resources.UNKNOWN, emergency=True,
        emergency_rate=D("1.34"), hours_per_month=D("20"),
    )
    assert (fee.hourly, fee.applied, fee.resources_used) == (D("1.34"), "tarif_urgence", None)
    assert fee.monthly == D("26.80")


@pytest.mark.parametrize("resources", [Resources.REFUSED, Resources.UNKNOWN])
def test_refused_or_missing_resources_outside_emergency_take_the_ceiling(resources):
    fee = rules.compute_fee(BAREME_2023, care_type=FAMILIAL, children=3, resources=resources)
    assert (fee.hourly, fee.applied) == (D("1.86"), "plafond")


def test_refusal_in_emergency_still_takes_the_ceiling():
    fee = rules.compute_fee(
        BAREME_2023, care_type=COLLECTIF, children=1, resources=Resources.REFUSED, emergency=True,
        emergency_rate=D("1.34"),
    )
    assert (fee.hourly, fee.applied) == (D("3.71"), "plafond")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"children": 0, "monthly_resources": D("1000")}, "au moins 1"),
        ({"children": 11, "monthly_resources": D("1000")}, "10 enfants au plus"),
        ({"children": 1, "monthly_resources": D("-1")}, "négatives"),
        ({"children": 1, "monthly_resources": None}, "Indiquez les ressources"),
        ({"children": 1, "monthly_resources": D("1000"), "hours_per_month": D("-2")}, "heures"),
    ],
)
def test_impossible_input_is_refused_in_french(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rules.compute_fee(BAREME_2023, care_type=COLLECTIF, **kwargs)


def test_waived_amount_over_the_free_months():
    fee = rules.compute_fee(
        BAREME_2023, care_type=COLLECTIF, children=1, monthly_resources=D("0"), hours_per_month=D("100")
    )
    assert fee.monthly == D("47.00")
    assert rules.waived_amount(fee, 6) == D("282.00")


# The barème as data, dated by effective day (data migration 0004).
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "plafond", "effective_from"),
    [
        (date(2023, 1, 1), D("6000"), date(2023, 1, 1)),
        (date(2024, 8, 31), D("6000"), date(2023, 1, 1)),
        (date(2024, 9, 1), D("7000"), date(2024, 9, 1)),
        (date(2025, 8, 31), D("7000"), date(2024, 9, 1)),
        (date(2025, 9, 1), D("8500"), date(2025, 9, 1)),
        (date(2026, 11, 22), D("8500"), date(2025, 9, 1)),
    ],
)
def test_bareme_on_gives_the_dated_ceiling_and_keeps_the_last_floor(day, plafond, effective_from):
    bareme = bareme_on(day)
    assert bareme.plafond == plafond
    assert bareme.plancher == D("754.16")
    assert bareme.effective_from == effective_from
    assert bareme.rates[COLLECTIF][0] == (1, D("0.0619"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "hourly"),
    [(date(2024, 6, 1), "3.71"), (date(2024, 9, 1), "4.33"), (date(2025, 9, 1), "5.26")],
)
def test_ceiling_fee_follows_the_dated_barème(day, hourly):
    # 7 000 × 0,0619 % = 4,333; 8 500 × 0,0619 % = 5,2615.
    fee = rules.compute_fee(bareme_on(day), care_type=COLLECTIF, children=1, monthly_resources=D("20000"))
    assert fee.hourly == D(hourly)


@pytest.mark.django_db
def test_bareme_on_before_the_first_barème_is_refused(django_assert_num_queries):
    with pytest.raises(BaremeIntrouvable, match="Aucun barème"):
        bareme_on(date(2022, 12, 31))


@pytest.mark.django_db
def test_bareme_on_costs_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        bareme_on(date(2026, 1, 1))


@pytest.mark.django_db
def test_an_administrator_enters_a_new_ceiling_and_the_engine_uses_it(client):
    from django.urls import reverse

    from conventions.models import Bareme
    from tests.factories import UserFactory
    from tests.utils import login

    admin_user = UserFactory(email="admin.bareme@exemple.fr", is_superuser=True, is_staff=True)
    login(client, admin_user)
    response = client.post(reverse("admin:conventions_bareme_add"), {
        "effective_from": "2026-09-01", "plafond": "9000", "plancher": "", "max_enfants": "10", "source": "essai",
        "taux-TOTAL_FORMS": "0", "taux-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    assert Bareme.objects.filter(effective_from=date(2026, 9, 1)).exists()
    fee = rules.compute_fee(bareme_on(date(2026, 9, 1)), care_type=COLLECTIF, children=1, monthly_resources=D("9000"))
    assert fee.hourly == D("5.57")  # 9 000 × 0,0619 % = 5,571
    assert bareme_on(date(2026, 9, 1)).plancher == D("754.16")
