"""Free-of-charge periods, review dates, ages and the décret 2009-404 minimum."""

from datetime import date

import pytest

from conventions import rules


@pytest.mark.parametrize(
    ("first_day", "max_months", "exit_day", "expected"),
    [
        # PMI convention: at most 6 months (000_5e0208087e80a22b.txt).
        (date(2026, 1, 5), 6, None, date(2026, 7, 4)),
        (date(2026, 1, 5), 6, date(2026, 3, 31), date(2026, 3, 31)),
        (date(2026, 1, 5), 6, date(2026, 9, 1), date(2026, 7, 4)),
        (date(2025, 8, 31), 6, None, date(2026, 2, 27)),  # 31/08 + 6 months = 28/02, minus a day
        # Les Petits Pas: free for the whole pathway (002_d005ade614fba0f4.txt).
        (date(2026, 1, 5), None, None, None),
        (date(2026, 1, 5), None, date(2026, 6, 30), date(2026, 6, 30)),
    ],
)
def test_free_period_end(first_day, max_months, exit_day, expected):
    assert rules.free_period_end(first_day, max_months, exit_day) == expected


def test_is_free_on():
    assert rules.is_free_on(date(2026, 7, 4), date(2026, 1, 5), 6)
    assert not rules.is_free_on(date(2026, 7, 5), date(2026, 1, 5), 6)
    assert not rules.is_free_on(date(2026, 1, 4), date(2026, 1, 5), 6)
    assert rules.is_free_on(date(2030, 1, 1), date(2026, 1, 5), None)


@pytest.mark.parametrize(
    ("first_day", "expected"),
    [(date(2026, 1, 5), date(2026, 7, 5)), (date(2026, 8, 31), date(2027, 2, 28))],
)
def test_review_is_due_six_months_after_the_first_day(first_day, expected):
    assert rules.review_due(first_day) == expected


@pytest.mark.parametrize(
    ("places", "minimum"),
    [(0, 0), (1, 1), (12, 1), (20, 1), (21, 2), (40, 2), (41, 3), (60, 3)],
)
def test_one_place_per_tranche_of_twenty_begun(places, minimum):
    assert rules.insertion_places_minimum(places) == minimum


@pytest.mark.parametrize(
    ("birth", "day", "inside"),
    [
        (date(2026, 1, 1), date(2026, 4, 1), False),  # 12 weeks and 6 days
        (date(2026, 1, 1), date(2026, 4, 2), True),  # 13 weeks exactly
        (date(2023, 4, 2), date(2026, 4, 1), True),  # 2 years 11 months
        (date(2023, 4, 1), date(2026, 4, 1), False),  # 3 years exactly: past 36 months
    ],
)
def test_age_range_of_les_petits_pas(birth, day, inside):
    # Children 3 months – 3 years: 13 weeks is the 3-month floor in weeks.
    assert rules.age_within(birth, day, min_weeks=13, max_months=36) is inside
