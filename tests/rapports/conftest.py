import pytest

from rapports import rules
from rapports.selectors import convention_report
from tests.rapports.factories import D, orleans_semester


@pytest.fixture
def scenario(db):
    return orleans_semester()


@pytest.fixture
def semester():
    return rules.semester(2026, 1)


@pytest.fixture
def report(scenario, semester):
    return convention_report(scenario.convention, semester, today=D(2026, 7, 15))


def figures(report, key):
    """``{row label: [values]}`` of one section of a report."""
    section = next(s for s in report.sections if s.key == key)
    return {row[0].value: [cell.value for cell in row[1:]] for row in section.rows}
