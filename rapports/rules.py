"""Pure rules of the reports: periods, statistical secrecy, months. No Django import."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# Statistical secrecy: a cell counting fewer people than this is not shown to funders.
SECRECY_THRESHOLD = 5
SECRET_LABEL = "< 5"

MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


class PeriodKind:
    YEAR = "annee"
    SEMESTER = "semestre"
    MONTH = "mois"
    CUSTOM = "personnalisee"
    CHOICES = (
        (YEAR, "Année"),
        (SEMESTER, "Semestre"),
        (MONTH, "Mois"),
        (CUSTOM, "Période personnalisée"),
    )


@dataclass(frozen=True)
class Period:
    """A closed range of days ``start`` … ``end``, both included."""

    start: date
    end: date
    label: str

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("La fin de la période doit suivre son début.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[tuple[date, date]]:
        """The calendar months the period touches, each clipped to the period."""
        result = []
        year, month = self.start.year, self.start.month
        while date(year, month, 1) <= self.end:
            first = max(date(year, month, 1), self.start)
            last = min(date(year, month, calendar.monthrange(year, month)[1]), self.end)
            result.append((first, last))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), f"année {y}")


def semester(y: int, half: int) -> Period:
    if half not in (1, 2):
        raise ValueError("Le semestre est 1 ou 2.")
    if half == 1:
        return Period(date(y, 1, 1), date(y, 6, 30), f"1er semestre {y}")
    return Period(date(y, 7, 1), date(y, 12, 31), f"2d semestre {y}")


def month(y: int, m: int) -> Period:
    if not 1 <= m <= 12:
        raise ValueError("Le mois est compris entre 1 et 12.")
    return Period(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), f"{MONTH_NAMES[m - 1]} {y}")


def custom(start: date, end: date) -> Period:
    return Period(start, end, f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}")


def previous_month(today: date) -> Period:
    """The calendar month before the one ``today`` falls in."""
    if today.month == 1:
        return month(today.year - 1, 12)
    return month(today.year, today.month - 1)


def month_label(first_day: date) -> str:
    return f"{MONTH_NAMES[first_day.month - 1]} {first_day.year}"


def is_secret(people: int | None) -> bool:
    """Statistical secrecy: 1 to 4 people could be recognised. Zero reveals nobody."""
    return people is not None and 0 < people < SECRECY_THRESHOLD


def overlap_days(start: date, end: date | None, period_start: date, period_end: date) -> int:
    """Days of ``start`` … ``end`` (open-ended when ``end`` is None) inside the period."""
    first = max(start, period_start)
    last = min(end or period_end, period_end)
    return max((last - first).days + 1, 0)


def rate(numerator, denominator) -> Decimal | None:
    """A percentage rounded to one decimal, None when the denominator is zero."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def prorated(amount: Decimal, year: int, period_start: date, period_end: date,
             convention_start: date, convention_end: date) -> Decimal:
    """The share of a yearly ``amount`` (budget or funding of ``year``) that falls in the period.

    ``amount × days of the period inside the convention in that year ÷ days of the convention in
    that year``, to the cent: a period covering the convention's whole year gets the whole amount,
    the months of a year add up to it (give or take a cent), a year the convention starts late in
    keeps its whole amount for the days the convention runs.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    running = overlap_days(max(convention_start, first), min(convention_end, last), first, last)
    if not running:
        return Decimal("0.00")
    inside = overlap_days(max(convention_start, period_start, first), min(convention_end, period_end, last),
                          first, last)
    share = Decimal(amount) * inside / running
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
