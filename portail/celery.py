"""The Celery application.

Without ``CELERY_BROKER_URL`` the settings make every task run eagerly in-process, so a fresh
clone needs no broker; in production a worker (``celery -A portail worker``) and the scheduler
(``celery -A portail beat``) read the broker from the environment.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")

app = Celery("portail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
