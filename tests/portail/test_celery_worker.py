"""A real Celery worker on the Redis broker runs a task and writes the database.

Runs in the PostgreSQL + Redis leg of ``.ci/run`` (``make test-postgres`` sets
``CELERY_TEST_BROKER_URL``). The test process itself keeps running tasks eagerly; only this test
sends to the broker, on a queue of its own, so no other test depends on the worker (the
``worker`` fixture of the ``tests.celery_worker`` plugin).
"""

import time
import uuid
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from portail.tasks import purge_expired_sessions
from tests.celery_worker import requires_worker

pytestmark = requires_worker


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
