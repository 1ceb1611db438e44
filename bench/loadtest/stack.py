"""Starts and stops the production stack on loopback for the load and resilience runs.

Everything here is a child process of the run, bound to 127.0.0.1, stopped by its own pid:
a PostgreSQL database of its own (created if missing, migrated), gunicorn with the settings of
``deploy/gunicorn.conf.py``, a Celery worker on a Redis database of its own, and e-mails written
as files into a folder the run can count.
"""

from __future__ import annotations

import http.client
import os
import platform
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def admin_dsn(database_url: str) -> str:
    """The same server, database ``postgres``: where CREATE/DROP DATABASE run."""
    return f"postgresql://{urlsplit(database_url).netloc}/postgres"


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def libpq_dsn(database_url: str) -> str:
    """``postgres://`` (Django's spelling) as libpq accepts it."""
    return "postgresql://" + database_url.split("://", 1)[1]


def database_exists(database_url: str) -> bool:
    with psycopg.connect(admin_dsn(database_url), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database_name(database_url)]).fetchone()
    return row is not None


def create_database(database_url: str, *, drop: bool = False) -> bool:
    """Creates the database when missing (``drop``: drops it first). Returns whether it is new."""
    name = database_name(database_url)
    with psycopg.connect(admin_dsn(database_url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return not exists


@dataclass
class Stack:
    """The environment of one run and the processes it started."""

    database_url: str
    broker_url: str
    port: int
    workdir: Path
    workers: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    gunicorn: subprocess.Popen | None = None
    celery: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def mail_dir(self) -> Path:
        return self.workdir / "mails"

    def env(self) -> dict[str, str]:
        """Production settings (DEBUG off) on loopback: plain HTTP behind a pretend proxy."""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portail.settings",
            "DEBUG": "0",
            "SECRET_KEY": "load-test-only-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            # The load client plays the reverse proxy: it says the request came in over HTTPS.
            "USE_X_FORWARDED_PROTO": "1",
            "SECURE_SSL_REDIRECT": "0",
            "PORTAL_BASE_URL": "https://127.0.0.1",
            "PRIVATE_MEDIA_ROOT": str(self.workdir / "private_media"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(self.workers),
            "LOG_LEVEL": "WARNING",
            **self.extra_env,
        }

    def manage(self, *args: str, timeout: float = 1800) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(), check=True, timeout=timeout)

    def python(self, *args: str, timeout: float = 3600) -> None:
        subprocess.run([PYTHON, *args], cwd=ROOT, env=self.env(), check=True, timeout=timeout)

    def prepare(self, *, drop: bool = False) -> bool:
        """Creates and migrates the database, collects the static files. Returns whether it is new."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.mail_dir.mkdir(exist_ok=True)
        new = create_database(self.database_url, drop=drop)
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        return new

    def start_gunicorn(self) -> None:
        log = (self.workdir / "gunicorn.log").open("ab")
        self.gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "portail.wsgi", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            cwd=ROOT, env=self.env(), stdout=log, stderr=log,
        )
        wait_http(self.port, "/")

    def start_celery(self) -> None:
        log = (self.workdir / "celery.log").open("ab")
        self.celery = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "portail", "worker", "--pool=prefork", "--concurrency=1",
             "--without-gossip", "--without-mingle", "-l", "warning"],
            cwd=ROOT, env=self.env(), stdout=log, stderr=log,
        )
        wait_for_worker(self.celery)

    def stop(self) -> None:
        for process in (self.gunicorn, self.celery):
            stop_process(process)
        self.gunicorn = self.celery = None


def wait_http(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"rien n'écoute sur 127.0.0.1:{port} après {timeout:.0f} s")


def worker_children(process: subprocess.Popen) -> list[int]:
    """Pids of the pool processes of a prefork worker (the ones that run the tasks)."""
    try:
        out = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True, timeout=5).stdout
    except subprocess.TimeoutExpired:
        return []
    return [int(pid) for pid in out.split()]


def wait_for_worker(process: subprocess.Popen, timeout: float = 60) -> None:
    """Waits until the prefork pool exists (the worker is then about to consume)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("le worker Celery s'est arrêté au démarrage")
        if worker_children(process):
            time.sleep(1.0)
            return
        time.sleep(0.3)
    raise RuntimeError("le worker Celery n'a pas démarré à temps")


def stop_process(process: subprocess.Popen | None, timeout: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def machine_description(database_url: str) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} Gio de mémoire"
    except (OSError, ValueError, IndexError):
        pass
    with psycopg.connect(libpq_dsn(database_url)) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    return (
        f"{platform.node()} – {os.cpu_count()} cœurs ({cpu}){memory} – {platform.system()} {platform.release()} – "
        f"Python {platform.python_version()} – PostgreSQL {server}"
    )
