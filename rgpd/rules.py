"""Retention rules of the family files, as pure functions (docs/retention.md).

Source: seed 003 (Orléans EAJE rules, §3.2.2 and §4.3): the data are kept "durant toute la durée
de l'accueil en crèche et jusqu'à 6 ans après la dernière année d'accueil". The durations come
from settings; these functions only compute the dates.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def care_file_expiry(last_day_of_care: date, years: int) -> date:
    """The day a pathway's file is anonymised: kept until the end of the ``years``-th calendar
    year after the last year of care, so anonymised on the 1st of January that follows."""
    return date(last_day_of_care.year + years + 1, 1, 1)


def referral_expiry(last_change: date, years: int) -> date:
    """The day a referral that never led to care is anonymised: ``years`` after its last change."""
    return add_years(last_change, years)


def attachments_expiry(closed_on: date, months: int) -> date:
    """The day the attachments of a referral that never led to care are deleted."""
    return add_months(closed_on, months)


def family_expiry(expiries: list[date | None]) -> date | None:
    """A family is anonymised when every one of its files has passed its date: ``None`` while
    one is still open (no date yet), else the latest date."""
    if not expiries or any(expiry is None for expiry in expiries):
        return None
    return max(expiries)
