"""WSGI entry point, served by gunicorn in production (``gunicorn portail.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")

application = get_wsgi_application()
