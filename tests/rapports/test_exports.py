"""The three export formats: produced by the task, downloaded by their requester only, same numbers."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portail.models import AuditEvent
from rapports import exports, rules
from rapports.models import ExportJob
from rapports.presentation import present
from rapports.selectors import detail_rows
from tests.rapports.factories import coordinator_of, funder_of
from tests.utils import login

pytestmark = pytest.mark.django_db

PERIOD = {"kind": "semestre", "annee": "2026", "semestre": "1"}


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def export(client, convention, fmt, **extra):
    """Asks for an export; the task runs after the commit, as Celery does (eagerly in the tests)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("rapports:export_start", args=[convention.pk]), {**PERIOD, "format": fmt, **extra}
        )
    assert response.status_code == 302, response.content
    job = ExportJob.objects.latest("pk")
    assert response["Location"] == reverse("rapports:export_detail", args=[job.pk])
    return job


def download(client, job) -> bytes:
    response = client.get(reverse("rapports:export_download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def page_cells(report, secrecy):
    return [[cell.text for cell in row] for section in present(report, secrecy) for row in section["rows"]]


def test_csv_holds_the_numbers_of_the_page(client, scenario, report, private_media):
    funder = funder_of(scenario.convention)
    login(client, funder.user, funder)
    job = export(client, scenario.convention, "csv")
    job.refresh_from_db()
    assert (job.state, job.progress, job.secrecy) == ("done", 100, True)
    rows = list(csv.reader(io.StringIO(download(client, job).decode("utf-8-sig")), delimiter=";"))
    for row in page_cells(report, secrecy=True):
        assert row in rows
    assert ["Enfants accueillis sur une place réservée", "< 5"] in rows
    # Money behind fewer than five reviews is hidden from funders too; the funding lines are not.
    assert ["Participation familiale exonérée", "< 5"] in rows
    assert ["Total des financements sur la période", "20\xa0173,32\xa0€"] in rows
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=funder.user).count() == 1


def test_xlsx_has_a_sheet_per_section_with_formatted_headers(client, scenario, report, private_media):
    coordinator = coordinator_of(scenario.convention)
    login(client, coordinator.user, coordinator)
    job = export(client, scenario.convention, "xlsx")
    workbook = load_workbook(io.BytesIO(download(client, job)))
    titles = [section.title[:31] for section in report.sections]
    assert workbook.sheetnames == ["Rapport", *titles]
    places = workbook[titles[2]]
    assert places["A1"].value == "Mois" and places["A1"].font.bold
    values = [[cell.value for cell in row] for row in places.iter_rows(min_row=2)]
    assert ["janvier 2026", 2, 62, 39, 62.9, 2] in values
    assert ["Période", None, 362, 189, 52.2, None] in values
    money = {row[0].value: row[1].value for row in workbook[titles[5]].iter_rows(min_row=2)}
    assert money["Participation familiale exonérée"] == pytest.approx(580.23)
    assert money["Total des financements sur la période"] == pytest.approx(20173.32)


def test_pdf_lays_out_the_parties_the_period_and_the_figures(scenario, report):
    from weasyprint import HTML

    sections = present(report, secrecy=False)
    pdf = exports.to_pdf(report, sections, secrecy=False)
    assert pdf.startswith(b"%PDF")
    html = exports.pdf_html(report, sections, secrecy=False)
    document = HTML(string=html).render()
    text = " ".join(
        box.text for page in document.pages for box in page._page_box.descendants() if hasattr(box, "text")
    )
    assert "Convention PMI Orléans" in text and "1er semestre 2026" in text
    for name, _role in report.parties:
        assert name in text
    for expected in ("362", "189", "52,2", "580,23\xa0€", "20\xa0173,32\xa0€", "41,0"):
        assert expected in text
    assert "Dupré" not in text
    assert 'aria-labelledby="graphique-occupation-titre' in html  # the occupancy chart, as SVG


def test_pdf_export_through_the_page(client, scenario, private_media):
    funder = funder_of(scenario.convention)
    login(client, funder.user, funder)
    job = export(client, scenario.convention, "pdf")
    assert download(client, job).startswith(b"%PDF")


def test_only_the_requester_downloads_and_only_for_seven_days(client, scenario, private_media):
    first = coordinator_of(scenario.convention)
    login(client, first.user, first)
    job = export(client, scenario.convention, "csv")
    second = coordinator_of(scenario.convention)
    login(client, second.user, second)
    for name in ("export_detail", "export_status", "export_download"):
        assert client.get(reverse(f"rapports:{name}", args=[job.pk])).status_code == 404
    login(client, first.user, first)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("rapports:export_download", args=[job.pk])).status_code == 404
    from rapports.services import purge_expired_exports

    assert purge_expired_exports() == 1
    assert not list(private_media.rglob("*.csv"))


def test_funders_cannot_ask_for_the_list_of_pathways(client, scenario, private_media):
    funder = funder_of(scenario.convention)
    login(client, funder.user, funder)
    response = client.post(reverse("rapports:export_start", args=[scenario.convention.pk]),
                           {**PERIOD, "format": "xlsx", "detail": "on"}, follow=True)
    assert "existe qu&#x27;en XLSX, pour la coordination" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_progress_of_a_long_export(scenario):
    period = rules.semester(2026, 1)
    seen = []
    count, _rows = detail_rows(scenario.convention, period)
    assert count == 3
    many = (["P-000001"] + [None] * 8 for _ in range(3000))
    from rapports.selectors import convention_report

    report = convention_report(scenario.convention, period, today=period.end)
    exports.to_xlsx(report, present(report, False), io.BytesIO(), detail=(3000, many), progress=seen.append)
    assert seen[0] == 10 and seen[-1] == 100
    assert seen == sorted(seen) and len(seen) > 3


def test_the_status_fragment_polls_until_the_file_is_ready(client, scenario, private_media):
    coordinator = coordinator_of(scenario.convention)
    login(client, coordinator.user, coordinator)
    job = ExportJob.objects.create(
        convention=scenario.convention, period_start=scenario.convention.debut, period_end=scenario.convention.fin,
        period_label="année 2026", format="xlsx", requested_by=coordinator.user, membership=coordinator,
        state="running", progress=40, expires_at=timezone.now() + timedelta(days=7),
    )
    fragment = client.get(reverse("rapports:export_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and 'value="40"' in fragment and "Télécharger" not in fragment
    from rapports.services import build_export

    build_export(job.pk)
    fragment = client.get(reverse("rapports:export_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and 'value="100"' in fragment and "Télécharger" in fragment
    # Idempotent: a second run leaves the finished job and its file alone.
    job.refresh_from_db()
    assert build_export(job.pk).file == job.file


def test_the_anonymised_list_of_pathways_for_the_coordination(client, scenario, private_media):
    coordinator = coordinator_of(scenario.convention)
    login(client, coordinator.user, coordinator)
    job = export(client, scenario.convention, "xlsx", detail="on")
    workbook = load_workbook(io.BytesIO(download(client, job)))
    sheet = workbook["Parcours (anonymisé)"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    codes = sorted(row[0] for row in rows)
    assert codes == sorted(f"P-{p.pk:06d}" for p in (scenario.p1, scenario.p2, scenario.p3))
    p1 = next(row for row in rows if row[0] == f"P-{scenario.p1.pk:06d}")
    assert p1[7] == 6.5 and p1[8] == pytest.approx(123.45)
    flat = " ".join(str(v) for row in rows for v in row)
    assert "Dupré" not in flat and "Lina" not in flat
