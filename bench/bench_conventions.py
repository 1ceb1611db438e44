"""Occupancy of every convention on the bench world.

Measured: ``selectors.yearly_occupancy`` of the anchor year (every convention, every day; the
world reserves places batch by batch, so the attributions grow with the pathways) and the first
page of the convention list with the day's occupancy, as the platform administrator.
Target of the yearly occupancy: 200 ms on PostgreSQL on the 2-core machine.
"""

from __future__ import annotations

from conventions import selectors
from conventions.models import Attribution, Convention


def run(report, world) -> None:
    year = world.anchor.year
    attributions = Attribution.objects.count()
    report.measure("conventions : occupation annuelle de toutes les conventions",
                   lambda: selectors.yearly_occupancy(year), rows=attributions, target_ms=200)

    def first_page():
        return list(selectors.conventions_for(world.staff, None, day=world.anchor)[:25])

    report.measure("conventions : liste avec occupation du jour (page 1)", first_page,
                   rows=Convention.objects.count())
