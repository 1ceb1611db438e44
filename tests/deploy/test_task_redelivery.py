"""A worker killed in the middle of an export: the task is handed out again and completes once.

PostgreSQL + Redis leg of ``.ci/run`` (the ``worker`` fixture). The export is slowed down by the
trigger of ``tests.rapports.test_export_worker`` so the kill lands while it runs. The worker is
killed with SIGKILL (no chance to give the message back), a new worker is started on the same
queue with a 3 s visibility timeout: the broker hands the unacknowledged task out again (acks
late, ``portail/settings.py``), and the job ends done with one file, as if nothing had happened.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.urls import reverse

from rapports.models import ExportJob
from rapports.services import EXPORT_DIR
from tests.celery_worker import BROKER, database_url, requires_worker
from tests.rapports.factories import coordinator_of
from tests.rapports.test_export_worker import PERIOD, convention_with_pathways, slow_progress_steps
from tests.utils import login

pytestmark = [*requires_worker, pytest.mark.postgres]


def _worker_of(queue: str) -> psutil.Process:
    """The worker process the fixture started on ``queue`` (its unique name is on its command line)."""
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if "worker" in cmdline and queue in cmdline:
            return proc
    raise AssertionError("worker introuvable")


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_an_export_whose_worker_is_killed_completes_once_on_the_next_worker(client, worker):
    convention = convention_with_pathways(3_000)
    coordinator = coordinator_of(convention)
    login(client, coordinator.user, coordinator)

    with slow_progress_steps(1.0):
        response = client.post(
            reverse("rapports:export_start", args=[convention.pk]), {**PERIOD, "format": "xlsx", "detail": "on"}
        )
        assert response.status_code == 302
        job = ExportJob.objects.get(convention=convention)
        assert _wait(lambda: ExportJob.objects.filter(pk=job.pk, progress__gt=1).exists(), 60), "export non démarré"

        _worker_of(worker).send_signal(signal.SIGKILL)
        job.refresh_from_db()
        assert job.state == ExportJob.State.RUNNING and job.progress < 100

        env = {
            **os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": BROKER,
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT), "CELERY_VISIBILITY_TIMEOUT": "3",
        }
        replacement = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portail", "worker", "--pool=solo", "-Q", worker,
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"],
            cwd=Path(settings.BASE_DIR), env=env,
        )
        try:
            assert _wait(lambda: ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.DONE).exists(), 90), \
                "l'export n'a pas été repris"
        finally:
            replacement.terminate()
            replacement.wait(timeout=30)

    job.refresh_from_db()
    assert job.progress == 100 and job.finished_at is not None
    final = settings.PRIVATE_MEDIA_ROOT / job.file
    assert final.exists() and final.stat().st_size > 0
    # The killed attempt left nothing behind: the workbook is written in one go at the end.
    assert list((settings.PRIVATE_MEDIA_ROOT / EXPORT_DIR).glob(f"{job.pk}-*")) == [final]

    # Delivered once more (a duplicate message): a finished job is left as it is.
    from rapports.tasks import run_export

    assert run_export(job.pk) == ExportJob.State.DONE
    job.refresh_from_db()
    assert settings.PRIVATE_MEDIA_ROOT / job.file == final
