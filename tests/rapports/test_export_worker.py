"""The progress of a long export through a real Celery worker, polled as HTMX polls it.

Runs in the PostgreSQL + Redis leg of ``.ci/run`` (the ``worker`` fixture of the
``tests.celery_worker`` plugin). The coordinator asks for the XLSX workbook with the anonymised
list of pathways through the page; the task goes to the real worker, which writes the progress in
the database as the workbook grows (``exports.to_xlsx`` reports every 1 000 rows); the test reads
it through the status fragment until the file is ready, then downloads it.

On a fast machine the 3 000 rows would be written between two polls: a trigger of the test
database (never of a real one) holds each intermediate step of the progress for 0.4 s, so the
0.1 s polling sees the bar move whatever the machine.
"""

import io
import re
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from orientations.models import Enfant, Famille, Orientation
from parcours.models import Parcours
from portail.models import Partenaire
from rapports.models import ExportJob
from tests.celery_worker import requires_worker
from tests.factories import CommuneFactory, PartenaireFactory, UserFactory
from tests.rapports.factories import ConventionFactory, D, at, coordinator_of
from tests.utils import login

pytestmark = [*requires_worker, pytest.mark.postgres]

ROWS = 3_000  # three steps of 1 000 rows in the pathways sheet: 38 %, 66 %, 95 %
TIMEOUT = 90
PERIOD = {"kind": "semestre", "annee": "2026", "semestre": "1"}
PROGRESS = re.compile(r'<progress id="export-progression"[^>]* value="(\d+)"')
STATE = re.compile(r"Avancement : ([^<]+)</label>")
STATES = {label.lower(): value for value, label in ExportJob.State.choices}


def convention_with_pathways(count: int):
    """A 2026 convention with ``count`` pathways open in its first semester (bulk-created)."""
    convention = ConventionFactory(titre="Convention du long export", places=2)
    partner = PartenaireFactory(kind=Partenaire.Kind.DEPARTEMENT_PMI)
    prescriber, commune = UserFactory(), CommuneFactory()
    familles = Famille.objects.bulk_create(
        Famille(commune=commune, created_by_partenaire=partner) for _ in range(count)
    )
    enfants = Enfant.objects.bulk_create(
        Enfant(famille=f, prenom="Lina", nom="Dupré", date_naissance=D(2025, 3, 1)) for f in familles
    )
    orientations = Orientation.objects.bulk_create(
        Orientation(
            famille=f, enfant=e, partenaire=partner, prescripteur=prescriber, convention=convention,
            date_souhaitee=D(2026, 1, 5), besoin="Trois matinées par semaine", state=Orientation.State.ACCEPTEE,
            sent_at=at(D(2026, 1, 2)), answered_at=at(D(2026, 1, 4)),
        )
        for f, e in zip(familles, enfants, strict=True)
    )
    Parcours.objects.bulk_create(
        Parcours(
            orientation=o, famille=o.famille, enfant=o.enfant, convention=convention, state=Parcours.State.ACCUEIL,
            premier_accueil_le=D(2026, 1, 5) + timedelta(days=i % 150), bilan_prevu_le=D(2026, 7, 5),
        )
        for i, o in enumerate(orientations)
    )
    return convention


@contextmanager
def slow_progress_steps(seconds: float):
    """Holds every intermediate step of an export's progress (1 to 99 %) ``seconds`` in the database."""
    table = ExportJob._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION test_slow_export_progress() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM pg_sleep({float(seconds)}); RETURN NEW; END $$"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS test_slow_export_progress ON {table}")
        cursor.execute(
            f"CREATE TRIGGER test_slow_export_progress BEFORE UPDATE OF progress ON {table} FOR EACH ROW "
            "WHEN (NEW.progress > OLD.progress AND NEW.progress < 100) EXECUTE FUNCTION test_slow_export_progress()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS test_slow_export_progress ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS test_slow_export_progress()")


def test_a_long_export_shows_its_progress_until_the_file_is_ready(client, worker):
    convention = convention_with_pathways(ROWS)
    coordinator = coordinator_of(convention)
    login(client, coordinator.user, coordinator)

    with slow_progress_steps(0.4):
        # The page's own form; the task is sent on commit, without a queue: to the worker's queue.
        response = client.post(
            reverse("rapports:export_start", args=[convention.pk]), {**PERIOD, "format": "xlsx", "detail": "on"}
        )
        assert response.status_code == 302, response.content
        job = ExportJob.objects.get(convention=convention)
        assert response["Location"] == reverse("rapports:export_detail", args=[job.pk])
        assert job.requested_by == coordinator.user and job.detail and not job.secrecy

        status_url = reverse("rapports:export_status", args=[job.pk])
        seen: list[tuple[str, int]] = []  # (state, progress) each time it changes
        deadline = time.monotonic() + TIMEOUT
        while True:
            response = client.get(status_url)
            assert response.status_code == 200
            fragment = response.content.decode()
            progress = int(PROGRESS.search(fragment).group(1))
            state = STATES[STATE.search(fragment).group(1).strip()]
            polling = 'hx-trigger="every 2s"' in fragment
            if not seen or seen[-1] != (state, progress):
                seen.append((state, progress))
            if not polling:
                break
            assert state in ("pending", "running"), seen
            assert time.monotonic() < deadline, f"l'export n'est pas terminé en {TIMEOUT} s : {seen}"
            time.sleep(0.1)

    assert seen[-1] == ("done", 100), seen
    assert "Télécharger" in fragment and "pour vous seul" in fragment
    values = [progress for _state, progress in seen]
    assert values == sorted(values), f"l'avancement a reculé : {seen}"
    order = {"pending": 0, "running": 1, "done": 2}
    assert [order[state] for state, _ in seen] == sorted(order[state] for state, _ in seen), seen
    # The bar moved while the pathways sheet was being written (38, 66 or 95 %), not only at the ends.
    assert any(10 < value < 100 for value in values), seen
    assert len(set(values)) >= 4, seen

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.finished_at is not None and job.file

    download = reverse("rapports:export_download", args=[job.pk])
    response = client.get(download)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = workbook["Parcours (anonymisé)"]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(codes) == ROWS and all(code.startswith("P-") for code in codes)
    workbook.close()

    # Another coordinator of the same convention reads its report, but not this export.
    other = coordinator_of(convention)
    login(client, other.user, other)
    for url in (status_url, download, reverse("rapports:export_detail", args=[job.pk])):
        assert client.get(url).status_code == 404
