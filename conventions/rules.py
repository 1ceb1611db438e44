"""Pure domain rules of the supply side: the CNAF fee engine, free-of-charge periods, review
dates and the décret 2009-404 minimum. No Django import: every function takes plain values.

Sources (``/work/shared/seeds``):

- ``003_9c25d7ff7a50f239.txt`` §3.4 and annex 2: hourly fee = monthly resources clamped to
  [plancher, plafond] × taux d'effort (by number of dependent children and collective or
  familial care); the next lower rate when a child of the family receives AEEH/PCH; +2,28 €/h
  outside the commune; emergency care at the floor rate while resources are unknown (or the
  manager's fixed emergency rate, 1,34 €/h in 2023); the ceiling rate when the family refuses
  to give its resources or does not produce them; monthly amount = hourly × contracted hours.
- ``000_5e0208087e80a22b.txt``: free of charge for at most 6 months, review after 6 months.
- ``003_9c25d7ff7a50f239.txt`` §1 (décret 2009-404, art. D214-7 CASF): one place per tranche
  of 20 for children of parents in an insertion pathway.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
DEFAULT_OUTSIDE_COMMUNE_SURCHARGE = Decimal("2.28")


class CareType(StrEnum):
    COLLECTIF = "collectif"
    FAMILIAL = "familial"


class Resources(StrEnum):
    KNOWN = "connues"
    UNKNOWN = "inconnues"
    REFUSED = "refusees"


class Applied(StrEnum):
    PLANCHER = "plancher"
    PLAFOND = "plafond"
    RESSOURCES = "ressources"
    TARIF_URGENCE = "tarif_urgence"


@dataclass(frozen=True)
class Bareme:
    """One dated CNAF barème.

    ``rates`` maps a care type to ``(minimum number of children, taux d'effort in %)`` pairs in
    ascending order of children; a family of ``n`` children takes the last pair whose minimum
    is ``<= n``. ``max_children`` is the largest family the tables cover (10 in 2023).
    """

    effective_from: date
    plancher: Decimal
    plafond: Decimal
    rates: dict[CareType, tuple[tuple[int, Decimal], ...]]
    max_children: int = 10

    def tier(self, care_type: CareType, children: int) -> int:
        """Index of the table row that applies to ``children`` dependent children."""
        table = self.rates[CareType(care_type)]
        index = 0
        for position, (minimum, _rate) in enumerate(table):
            if children >= minimum:
                index = position
        return index

    def rate(self, care_type: CareType, children: int, *, disabled_child: bool = False) -> Decimal:
        """Taux d'effort (in %) for the family; one row lower when a child receives AEEH/PCH.

        The lowest row stays the lowest: there is no rate below it in the CNAF table.
        """
        table = self.rates[CareType(care_type)]
        index = self.tier(care_type, children)
        if disabled_child:
            index = min(index + 1, len(table) - 1)
        return table[index][1]


@dataclass(frozen=True)
class Fee:
    hourly: Decimal
    monthly: Decimal
    rate: Decimal
    resources_used: Decimal | None
    applied: str
    surcharge: Decimal
    bareme_date: date


def to_cents(amount: Decimal) -> Decimal:
    """Round to the cent, half up (0,465 → 0,47), as the seed's tables do."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def compute_fee(
    bareme: Bareme,
    *,
    care_type: CareType,
    children: int,
    monthly_resources: Decimal | None = None,
    resources: Resources = Resources.KNOWN,
    disabled_child: bool = False,
    outside_commune: bool = False,
    hours_per_month: Decimal = Decimal(0),
    emergency: bool = False,
    emergency_rate: Decimal | None = None,
    outside_commune_surcharge: Decimal = DEFAULT_OUTSIDE_COMMUNE_SURCHARGE,
) -> Fee:
    """The hourly and monthly fee a family would pay.

    - resources known: monthly resources clamped to [plancher, plafond] × taux d'effort;
    - resources unknown in emergency care: the manager's fixed emergency rate if one is given,
      else the floor (seed §3.4.3); unknown outside an emergency, or refused: the ceiling
      (seed §3.4.2 and §3.4.3);
    - outside the commune: the surcharge is added to the hourly fee.

    Raises ``ValueError`` with a French message for impossible input.
    """
    care_type = CareType(care_type)
    resources = Resources(resources)
    hours = Decimal(hours_per_month)
    if children < 1:
        raise ValueError("Le nombre d'enfants à charge doit être d'au moins 1.")
    if children > bareme.max_children:
        raise ValueError(
            f"Le barème couvre les familles de {bareme.max_children} enfants au plus."
        )
    if hours < 0:
        raise ValueError("Le nombre d'heures mensuelles ne peut pas être négatif.")
    if resources is Resources.KNOWN:
        if monthly_resources is None:
            raise ValueError("Indiquez les ressources mensuelles de la famille.")
        if Decimal(monthly_resources) < 0:
            raise ValueError("Les ressources mensuelles ne peuvent pas être négatives.")
    surcharge = to_cents(outside_commune_surcharge) if outside_commune else Decimal("0.00")
    rate = bareme.rate(care_type, children, disabled_child=disabled_child)

    if resources is Resources.UNKNOWN and emergency and emergency_rate is not None:
        base = to_cents(Decimal(emergency_rate))
        hourly = base + surcharge
        return Fee(
            hourly=hourly, monthly=to_cents(hourly * hours), rate=rate, resources_used=None,
            applied=Applied.TARIF_URGENCE.value, surcharge=surcharge, bareme_date=bareme.effective_from,
        )

    if resources is Resources.KNOWN:
        amount = Decimal(monthly_resources)
        if amount <= bareme.plancher:
            used, applied = bareme.plancher, Applied.PLANCHER
        elif amount >= bareme.plafond:
            used, applied = bareme.plafond, Applied.PLAFOND
        else:
            used, applied = amount, Applied.RESSOURCES
    elif resources is Resources.UNKNOWN and emergency:
        used, applied = bareme.plancher, Applied.PLANCHER
    else:
        used, applied = bareme.plafond, Applied.PLAFOND

    hourly = to_cents(used * rate / 100) + surcharge
    return Fee(
        hourly=hourly, monthly=to_cents(hourly * hours), rate=rate, resources_used=used,
        applied=applied.value, surcharge=surcharge, bareme_date=bareme.effective_from,
    )


def waived_amount(fee: Fee, months: Decimal | int) -> Decimal:
    """What the family did not pay over ``months`` free months (for the financial review)."""
    if Decimal(months) < 0:
        raise ValueError("Le nombre de mois ne peut pas être négatif.")
    return to_cents(fee.monthly * Decimal(months))


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the month's last day (31/01 + 1 → 28/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def free_period_end(first_day: date, max_months: int | None, exit_day: date | None = None) -> date | None:
    """Last free day of a pathway.

    ``first_day`` + ``max_months`` months − 1 day, or ``exit_day`` if earlier. Without a maximum
    (``None``: free for the whole pathway) the last free day is the exit day, ``None`` while the
    family is still in the scheme.
    """
    if max_months is None:
        return exit_day
    end = add_months(first_day, max_months) - timedelta(days=1)
    if exit_day is not None and exit_day < end:
        return exit_day
    return end


def is_free_on(day: date, first_day: date, max_months: int | None, exit_day: date | None = None) -> bool:
    """Whether the family pays nothing on ``day``."""
    if day < first_day:
        return False
    end = free_period_end(first_day, max_months, exit_day)
    return end is None or day <= end


def review_due(first_day: date, months: int = 6) -> date:
    """Day of the six-month review: 5 Jan 2026 → 5 Jul 2026."""
    return add_months(first_day, months)


def insertion_places_minimum(places: int, tranche: int = 20) -> int:
    """Places a facility must guarantee to children of parents in an insertion pathway.

    Décret 2009-404 (art. D214-7 CASF): "une place par tranche de 20 places". We round **up**:
    a tranche that has begun counts (1 to 20 places → 1, 21 to 40 → 2), so that every facility,
    small ones included, guarantees at least one place. A facility with no place owes none.
    """
    if places < 0:
        raise ValueError("Le nombre de places ne peut pas être négatif.")
    return -(-places // tranche)


def age_in_months(birth: date, day: date) -> int:
    """Completed months of age on ``day``."""
    months = (day.year - birth.year) * 12 + day.month - birth.month
    if add_months(birth, months) > day:
        months -= 1
    return months


def age_within(birth: date, day: date, *, min_weeks: int, max_months: int) -> bool:
    """Whether a child born on ``birth`` is aged at least ``min_weeks`` weeks and under
    ``max_months`` months on ``day`` (a child of 3 years exactly is past a 36-month limit)."""
    if day < birth + timedelta(weeks=min_weeks):
        return False
    return age_in_months(birth, day) < max_months
