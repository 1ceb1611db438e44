"""The three export formats of a report: CSV, XLSX (a sheet per section), PDF (WeasyPrint).

Each builder takes the presented sections (:func:`rapports.presentation.present`), so a file
holds exactly the numbers of the page, masked the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.template.loader import render_to_string

Progress = Callable[[int], None]


def _noop(percent: int) -> None:
    return None


def to_csv(report, sections: list[dict]) -> bytes:
    """A CSV for spreadsheets in French: ``;`` separator, UTF-8 with BOM, one block per section."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([report.convention.titre, report.period.label])
    for section in sections:
        writer.writerow([])
        writer.writerow([section["title"]])
        writer.writerow(section["columns"])
        for row in section["rows"]:
            writer.writerow([cell.text for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31]
    base, n = name, 2
    while name in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name)
    return name


def to_xlsx(report, sections: list[dict], target, *, detail=None, progress: Progress = _noop) -> None:
    """Writes the workbook to ``target`` (a path or a file object) in write-only mode.

    One sheet per section, bold filled headers, French number formats. ``detail`` is an optional
    ``(count, rows)`` pair (:func:`rapports.selectors.detail_rows`) written as a last sheet while
    ``progress`` is told the percentage done.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook(write_only=True)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E79")
    formats = {"euros": '#,##0.00 "€"', "percent": "0.0", "days": "0.0", "hours": "0.00"}
    used: set[str] = set()

    def header(sheet, labels):
        cells = []
        for label in labels:
            cell = WriteOnlyCell(sheet, value=label)
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cells.append(cell)
        sheet.append(cells)

    summary = workbook.create_sheet(_sheet_title("Rapport", used))
    summary.append(["Convention", report.convention.titre])
    summary.append(["Période", report.period.label])
    summary.append(["Du", report.period.start])
    summary.append(["Au", report.period.end])
    for name, role in report.parties:
        summary.append([role, name])

    for section in sections:
        sheet = workbook.create_sheet(_sheet_title(section["title"], used))
        sheet.column_dimensions["A"].width = 48
        header(sheet, section["columns"])
        for row in section["rows"]:
            cells = []
            for shown in row:
                cell = WriteOnlyCell(sheet, value=shown.value if shown.value != "" else None)
                if not shown.masked and shown.kind in formats:
                    cell.number_format = formats[shown.kind]
                cells.append(cell)
            sheet.append(cells)
        if section["note"]:
            sheet.append([section["note"]])
    progress(10)

    if detail is not None:
        from .selectors import DETAIL_COLUMNS

        count, rows = detail
        sheet = workbook.create_sheet(_sheet_title("Parcours (anonymisé)", used))
        header(sheet, DETAIL_COLUMNS)
        step = max(count // 20, 1000)
        for index, row in enumerate(rows, start=1):
            sheet.append(row)
            if index % step == 0:
                progress(min(10 + index * 85 // max(count, 1), 95))
    workbook.save(target)
    progress(100)


def occupancy_chart(report) -> str:
    """Reserved and occupied place-days by month (not counts of people: no secrecy applies)."""
    from .charts import bar_chart

    places = next(section for section in report.sections if section.key == "places")
    months = places.rows[:-1]  # the last row is the period's total
    return bar_chart(
        "graphique-occupation", "Journées-places réservées et occupées par mois",
        "Barres groupées par mois, la valeur écrite au bout de chaque barre ; le tableau des places "
        "donne les mêmes nombres et le taux d'occupation.",
        [row[0].value for row in months],
        {"Réservées": [row[2].value for row in months], "Occupées": [row[3].value for row in months]},
    )


def pdf_html(report, sections: list[dict], *, secrecy: bool) -> str:
    return render_to_string(
        "rapports/report_pdf.html",
        {"report": report, "sections": sections, "secrecy": secrecy, "chart": occupancy_chart(report)},
    )


def to_pdf(report, sections: list[dict], *, secrecy: bool) -> bytes:
    from weasyprint import HTML

    return HTML(string=pdf_html(report, sections, secrecy=secrecy)).write_pdf()
