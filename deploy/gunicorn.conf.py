"""gunicorn settings of the portal (``gunicorn portail.wsgi -c deploy/gunicorn.conf.py``).

Sync workers: each serves one request at a time, so ``GUNICORN_WORKERS`` is the number of
requests served at once per machine; about one per core (pages spend most of their time in
Python, not waiting on PostgreSQL). The load test (``make loadtest``) runs with these settings.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
# A request taking longer is killed and answered 502 by the proxy: long work belongs in Celery.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Behind the reverse proxy on the same machine; the proxy buffers slow clients.
keepalive = 5
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The access log belongs to the reverse proxy; gunicorn logs errors only.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# Trust X-Forwarded-* only from the proxy on loopback.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
