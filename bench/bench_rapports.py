"""The yearly report of the biggest convention of the bench world and its XLSX export.

The departmental convention of the Loiret holds a quarter of the world's pathways (25 000 at
100 000). Targets: the report under 1 s on PostgreSQL with a fixed number of queries; the XLSX
export (the anonymised list of pathways, write-only workbook fed by a streaming cursor) of
100 000 rows under 30 s with a peak memory under 300 MB. One convention never holds 100 000
pathways, so the writer is also measured on the detail rows of every convention of the world
chained into one workbook: as many rows as the world has pathways open in the year.
"""

from __future__ import annotations

import itertools
import tempfile
from datetime import date

from conventions.models import Convention
from parcours.models import Parcours
from rapports import exports, rules, selectors
from rapports.presentation import present


def run(report, world) -> None:
    convention = world.report_convention
    period = rules.year(world.anchor.year)
    today = date(world.anchor.year + 1, 1, 15)
    pathways = Parcours.objects.filter(convention=convention).count()
    report.measure(
        "rapports : rapport annuel de la convention départementale",
        lambda: selectors.convention_report(convention, period, today=today),
        rows=pathways, repeat=5, target_ms=1000,
    )
    detail_rows = selectors.detail_rows(convention, period)[0]

    def xlsx():
        built = selectors.convention_report(convention, period, today=today)
        with tempfile.TemporaryFile() as target:
            exports.to_xlsx(built, present(built, False), target, detail=selectors.detail_rows(convention, period))

    report.measure("rapports : export XLSX du rapport annuel (détail par parcours ; cible mémoire < 300 Mo)",
                   xlsx, rows=detail_rows, repeat=1, target_ms=30_000)

    conventions = list(Convention.objects.filter(parcours__isnull=False).distinct().order_by("pk"))
    every_row = sum(selectors.detail_rows(c, period)[0] for c in conventions)

    def xlsx_world():
        built = selectors.convention_report(convention, period, today=today)
        detail = itertools.chain.from_iterable(selectors.detail_rows(c, period)[1] for c in conventions)
        with tempfile.TemporaryFile() as target:
            exports.to_xlsx(built, present(built, False), target, detail=(every_row, detail))

    report.measure("rapports : export XLSX – détail de toutes les conventions (cible mémoire < 300 Mo)",
                   xlsx_world, rows=every_row, repeat=1, target_ms=30_000)
