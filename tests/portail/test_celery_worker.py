"""A real Celery worker on the Redis broker runs a task and writes the database.

Runs in the PostgreSQL + Redis leg of ``.ci/run`` (``make test-postgres`` sets
``CELERY_TEST_BROKER_URL``). The test process itself keeps running tasks eagerly; only this test
sends to the broker, on a queue of its own, so no other test depends on the worker.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from portail.celery import app as celery_app
from portail.tasks import purge_expired_sessions

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not BROKER, reason="CELERY_TEST_BROKER_URL (Redis) absent : jambe PostgreSQL + Redis de .ci/run"
    ),
]


def database_url() -> str:
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("le worker doit partager la base de test : PostgreSQL requis")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": BROKER}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portail", "worker", "--pool=solo", "-Q", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=Path(settings.BASE_DIR), env=env,
    )
    previous = {"broker_url": celery_app.conf.broker_url, "task_always_eager": celery_app.conf.task_always_eager}
    celery_app.conf.update(broker_url=BROKER, task_always_eager=False)
    try:
        yield queue
    finally:
        celery_app.conf.update(**previous)
        process.terminate()
        process.wait(timeout=30)


def test_a_real_worker_purges_expired_sessions(worker):
    expired = Session.objects.create(
        session_key=uuid.uuid4().hex, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    alive = Session.objects.create(
        session_key=uuid.uuid4().hex, session_data="", expire_date=timezone.now() + timedelta(minutes=30)
    )

    purge_expired_sessions.apply_async(queue=worker)

    deadline = time.monotonic() + 90
    while Session.objects.filter(pk=expired.pk).exists():
        assert time.monotonic() < deadline, "le worker n'a pas exécuté la tâche dans le délai"
        time.sleep(0.5)
    assert Session.objects.filter(pk=alive.pk).exists()
