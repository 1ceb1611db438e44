"""How a report's figures are shown: French formats and statistical secrecy.

The page, the CSV, the XLSX and the PDF all go through :func:`present`, so they hold the same
numbers and mask the same cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format

from . import rules
from .selectors import Cell, Report


@dataclass(frozen=True)
class Shown:
    """A cell as shown: ``text`` (French format, or "< 5"), ``value`` (a number for the XLSX)."""

    text: str
    value: object
    kind: str
    masked: bool = False


def secret(cell: Cell, secrecy: bool) -> bool:
    """The one statistical-secrecy rule: with ``secrecy`` on, a cell behind 1 to 4 people is hidden."""
    return secrecy and cell.secret_candidate


def fmt(value, kind: str) -> str:
    if value is None or value == "":
        return "–" if kind != "text" else ""
    if kind == "euros":
        return f"{number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)}\xa0€"
    if kind in ("percent", "days"):
        return number_format(Decimal(value), 1, use_l10n=True, force_grouping=True)
    if kind == "hours":
        return number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
    if kind in ("people", "number"):
        return number_format(value, 0, use_l10n=True, force_grouping=True)
    return str(value)


def show(cell: Cell, secrecy: bool) -> Shown:
    if secret(cell, secrecy):
        return Shown(rules.SECRET_LABEL, rules.SECRET_LABEL, cell.kind, masked=True)
    value = cell.value
    if isinstance(value, Decimal) and cell.kind != "text":
        value = float(value)
    return Shown(fmt(cell.value, cell.kind), value, cell.kind)


def present(report: Report, secrecy: bool) -> list[dict]:
    """The sections of ``report`` ready for a template or an export."""
    return [
        {
            "key": section.key, "title": section.title, "columns": section.columns, "note": section.note,
            "rows": [[show(cell, secrecy) for cell in row] for row in section.rows],
        }
        for section in report.sections
    ]
