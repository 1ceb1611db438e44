"""A real Celery worker on the Redis broker, for the tests of the PostgreSQL + Redis leg (a pytest plugin).

``make test-postgres`` (the PostgreSQL + Redis leg of ``.ci/run``) sets ``CELERY_TEST_BROKER_URL``;
without it the tests marked with :data:`requires_worker` are skipped with :data:`SKIP_REASON`.

The ``worker`` fixture starts ``celery -A portail worker`` in a subprocess on a queue of its own,
against the PostgreSQL test database (committed data: the test is transactional) and a private
media folder shared with the test process. While it runs, the test process sends its tasks to the
broker instead of running them eagerly, on the worker's queue by default; everything is put back
afterwards, so no other test depends on the worker.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from portail.celery import app as celery_app
from tests.utils import restore_migrated_data

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")
SKIP_REASON = "CELERY_TEST_BROKER_URL (Redis) absent : jambe PostgreSQL + Redis de .ci/run"

requires_worker = [pytest.mark.celery_worker, pytest.mark.skipif(not BROKER, reason=SKIP_REASON)]


def database_url() -> str:
    """The URL of the test database the test process is using (the worker must write the same one)."""
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db, settings, tmp_path):
    """Starts a real worker and yields the name of its queue (tasks sent without a queue go there)."""
    if not BROKER:
        pytest.skip(SKIP_REASON)
    if connection.vendor != "postgresql":
        pytest.skip("le worker doit partager la base de test : PostgreSQL requis")
    # An earlier transactional test's flush may have deleted what the data migrations created.
    restore_migrated_data()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    env = {
        **os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": BROKER,
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portail", "worker", "--pool=solo", "-Q", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=Path(django_settings.BASE_DIR), env=env,
    )
    conf = celery_app.conf
    previous = {
        "broker_url": conf.broker_url, "task_always_eager": conf.task_always_eager,
        "task_default_queue": conf.task_default_queue,
    }
    conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
    _drop_pooled_connections()
    try:
        _wait_until_consuming(queue, process)
        yield queue
    finally:
        conf.update(**previous)
        _drop_pooled_connections()
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _drop_pooled_connections():
    """Forgets pooled broker connections, so the next send uses the broker configured now.

    The pools stay open in kombu's registry (another test may share them); only the app's
    references go, as Celery itself does after a fork.
    """
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _wait_until_consuming(queue: str, process, timeout: float = 120) -> None:
    """Waits until the worker consumes ``queue``: a message sent earlier could find no binding."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "le worker Celery s'est arrêté au démarrage"
        replies = celery_app.control.inspect(timeout=1).active_queues() or {}
        if any(q["name"] == queue for queues in replies.values() for q in queues):
            return
    pytest.fail("le worker Celery n'a pas commencé à consommer sa file dans le délai")
