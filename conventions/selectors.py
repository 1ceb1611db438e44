"""Every read of the conventions app that a page, a report or another app needs."""

from __future__ import annotations

from datetime import date

from . import rules
from .models import Bareme, TauxEffort


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
