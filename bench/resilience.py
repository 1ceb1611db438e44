"""Resilience under load (``make resilience``): a killed Celery worker, a restarted PostgreSQL.

``python -m bench.resilience [--database-url URL] [--restart-command CMD]`` runs on a PostgreSQL
that may be restarted, never the shared one: by default a cluster of its own, ``15/resil`` on
port 5433, created if missing (trust authentication on loopback), started for the run and
stopped afterwards (left stopped: ``pg_ctlcluster 15 resil start`` to look at it, and
``pg_dropcluster 15 resil`` to remove it). Its database ``ppe_resil`` is filled once by
``bench.generate`` (``--pathways``, default 1 000) or ``seed_demo``.

1. Worker killed in the middle of a task (``SIGKILL``), restarted; for each case, checks that
   the task completes once and no e-mail (Django's file backend, one file per message) leaves
   twice:
   - a PDF export (``rapports.tasks.run_export``), pool process killed while the job runs;
   - the same with the whole worker killed (a lost machine): redelivered once the broker's
     visibility timeout (``CELERY_VISIBILITY_TIMEOUT``, 15 s here) has passed;
   - the coordinators' daily digest (``parcours.tasks.send_daily_digests``) and the referrals'
     deadline run (``orientations.tasks.traiter_echeances``), killed after the first e-mail; the
     e-mails go through ``bench.slow_mail`` (0.2 s each, like an SMTP relay), so the kill lands
     in the middle of them. The deadline run must also have warned every coordinator of each
     referral it recorded as reminded.
2. PostgreSQL restarted while 20 simulated users browse (and write notes): every answer during
   the outage must be quick and clean (the French error page, no traceback), service must come
   back by itself, and no write may be half done (each note has its audit event).

Writes ``bench/results/<stamp>-resilience.md`` and exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import email
import http.client
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.loadtest import report
from bench.loadtest.client import read_samples, start_client, wait_client
from bench.loadtest.stack import PYTHON, ROOT, Stack, machine_description, worker_children

PARIS = ZoneInfo("Europe/Paris")  # results are stamped in the portal's time, as make bench does
CLUSTER = ("15", "resil")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5433/ppe_resil"
DEFAULT_RESTART = "pg_ctlcluster 15 resil restart -m fast"
VISIBILITY_TIMEOUT = 15


# --- The cluster of its own -------------------------------------------------------------------------


def ensure_cluster() -> None:
    """Creates ``15/resil`` on port 5433 (trust on loopback) when missing, and starts it."""
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
    if not any(line.split()[:2] == list(CLUSTER) for line in listing.splitlines()):
        subprocess.run(["pg_createcluster", *CLUSTER, "--port", "5433"], check=True, capture_output=True)
        hba = Path(f"/etc/postgresql/{CLUSTER[0]}/{CLUSTER[1]}/pg_hba.conf")
        hba.write_text("local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n")
    subprocess.run(["pg_ctlcluster", *CLUSTER, "start"], check=False, capture_output=True)


def stop_cluster() -> None:
    subprocess.run(["pg_ctlcluster", *CLUSTER, "stop", "-m", "fast"], check=False, capture_output=True)


# --- E-mails of the file backend -----------------------------------------------------------------


def mails(folder: Path) -> list[tuple[str, str]]:
    """(recipient, subject) of every message written by Django's file backend."""
    found = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip() + b"\n", policy=policy.default)
                found.append((str(message["To"]), str(message["Subject"])))
    return found


def duplicates(found: list[tuple[str, str]]) -> int:
    return sum(n - 1 for n in Counter(found).values() if n > 1)


def clear(folder: Path) -> None:
    for path in folder.glob("*.log"):
        path.unlink()


# --- Killing the worker -----------------------------------------------------------------------------


def wait_until(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def kill_worker(stack: Stack, whole: bool) -> None:
    """SIGKILL the pool process running the task, or the whole worker (then restarted)."""
    children = worker_children(stack.celery)
    if whole:
        for pid in [stack.celery.pid, *children]:
            os.kill(pid, signal.SIGKILL)
        stack.celery.wait(timeout=10)
        stack.start_celery()
    else:
        for pid in children:
            os.kill(pid, signal.SIGKILL)


def export_case(stack: Stack, whole: bool) -> dict:
    from django.utils import timezone

    from conventions.models import Convention
    from portail.models import Membership, Role
    from rapports.models import ExportJob
    from rapports.services import EXPORT_DIR, EXPORT_RETENTION
    from rapports.tasks import run_export

    convention = Convention.objects.order_by("pk").first()
    membership = Membership.objects.active().filter(role=Role.COORDINATEUR).select_related("user").first()
    today = timezone.localdate()
    job = ExportJob.objects.create(
        convention=convention, period_start=today.replace(month=1, day=1), period_end=today,
        period_label=f"année {today.year}", format=ExportJob.Format.PDF, secrecy=True,
        requested_by=membership.user, membership=membership, expires_at=timezone.now() + EXPORT_RETENTION,
    )
    run_export.delay(job.pk)
    running = wait_until(lambda: ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.RUNNING).exists(), 120)
    killed_at = time.monotonic()
    kill_worker(stack, whole)
    done = wait_until(lambda: ExportJob.objects.filter(
        pk=job.pk, state__in=[ExportJob.State.DONE, ExportJob.State.FAILED]).exists(), 180, step=0.5)
    job.refresh_from_db()
    folder = Path(stack.env()["PRIVATE_MEDIA_ROOT"]) / EXPORT_DIR
    files = sorted(folder.glob(f"{job.pk}-*"))
    final = folder.parent / job.file if job.file else None
    ok = running and done and job.state == ExportJob.State.DONE and final is not None and final.exists()
    return {
        "cas": f"export PDF, {'worker entier' if whole else 'processus du pool'} tué pendant l'export",
        "ok": ok, "détail": (
            f"tué {'en cours' if running else 'AVANT le début'}, état final « {job.get_state_display()} » "
            f"{time.monotonic() - killed_at:.0f} s après ; {len(files)} fichier(s) pour ce job "
            f"({len(files) - 1 if files else 0} partiel(s) laissé(s) par l'essai tué)"),
    }


def reminder_case(stack: Stack, task_name: str) -> dict:
    """Kills the pool process after the task's first e-mail, then checks nothing left twice."""
    from django.utils import timezone

    from orientations.models import Relance
    from orientations.selectors import coordinators_of
    from orientations.tasks import traiter_echeances
    from parcours.models import DigestEnvoi
    from parcours.tasks import send_daily_digests

    task = {"digest": send_daily_digests, "echeances": traiter_echeances}[task_name]
    today = timezone.localdate()
    DigestEnvoi.objects.filter(day=today).delete()
    Relance.objects.filter(jour=today).delete()
    clear(stack.mail_dir)
    task.delay()
    started = wait_until(lambda: any(stack.mail_dir.glob("*.log")), 120)
    kill_worker(stack, whole=False)
    # Done when the redelivered run has stopped writing e-mails for a while.
    previous, still = -1, 0
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and still < 8:
        count = len(list(stack.mail_dir.glob("*.log")))
        still = still + 1 if count == previous else 0
        previous = count
        time.sleep(1)
    sent = mails(stack.mail_dir)
    # A third run, in this process: it must find nothing left to send.
    clear(stack.mail_dir)
    os.environ["EMAIL_FILE_PATH"] = str(stack.mail_dir)
    rerun = task()
    again = mails(stack.mail_dir)
    detail = f"{len(sent)} e-mails, {duplicates(sent)} en double ; relance : {len(again)} e-mail(s) de plus"
    if task_name == "digest":
        detail += f" ; {DigestEnvoi.objects.filter(day=today).count()} récapitulatifs enregistrés"
        ok = started and duplicates(sent) == 0 and not again
    else:
        reminded = Relance.objects.filter(jour=today).select_related("orientation")
        expected = {m.user.email for r in reminded for m in coordinators_of(r.orientation)}
        received = {to for to, subject in sent if "en attente de réponse" in subject}
        missing = expected - received
        detail += (f" ; {reminded.count()} orientations relancées, {len(expected)} coordinateurs à prévenir, "
                   f"{len(missing)} sans leur e-mail de relance")
        ok = started and duplicates(sent) == 0 and not again and not missing
    label = {"digest": "récapitulatif quotidien (parcours)", "echeances": "échéances des orientations"}[task_name]
    return {"cas": f"{label}, processus du pool tué après le premier e-mail", "ok": ok,
            "détail": detail + (f" ; retour de la relance : {rerun}" if rerun else "")}


# --- PostgreSQL restarted under load ---------------------------------------------------------------


class Probe(threading.Thread):
    """GETs a page every 0.25 s: status, time, whether the body is the clean French error page."""

    def __init__(self, port: int, path: str = "/"):
        super().__init__(daemon=True)
        self.port, self.path, self.rows = port, path, []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            start = time.time()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
                conn.request("GET", self.path, headers={"X-Forwarded-Proto": "https"})
                response = conn.getresponse()
                body = response.read().decode(errors="replace")
                status = response.status
            except OSError as error:
                body, status = repr(error), 0
            self.rows.append((start, time.time() - start, status, "Traceback" in body,
                              "Une erreur est survenue" in body))
            self.halt.wait(0.25)


def restart_case(stack: Stack, restart: str, accounts: Path, users: int = 20, seconds: float = 60) -> dict:
    from parcours.models import NoteSuivi

    last_note = NoteSuivi.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    samples = stack.workdir / "samples-restart.json"
    client, bound = start_client(stack, users, seconds, accounts, samples)
    probe = Probe(stack.port)
    probe.start()
    time.sleep(25)  # the users are signed in and browsing
    restart_start = time.time()
    subprocess.run(shlex.split(restart), check=True, timeout=120, capture_output=True)
    restart_end = time.time()
    wait_client(client, bound)
    probe.halt.set()
    probe.join(timeout=30)
    from django.db import connection

    connection.close()  # this process's own connection did not survive the restart
    data = read_samples(samples, users)
    failed = [s for s in data["samples"] if not s[2]]
    after = [row for row in probe.rows if row[0] >= restart_start]
    first_error = next((row[0] for row in after if row[2] != 200), None)
    back = next((row[0] for row in after if row[2] == 200 and row[0] > (first_error or 0)), None)
    slowest = max((row[1] for row in after[:40]), default=0)
    errors = [row for row in after if row[2] != 200]
    traceback = sum(1 for row in errors if row[3])
    clean = sum(1 for row in errors if row[4] or row[2] == 0)
    orphans = _notes_without_audit(last_note)
    written = NoteSuivi.objects.filter(pk__gt=last_note).count()
    level = report.summarise(users, data["samples"], data["until"] - data["measure_from"])
    if first_error is None:
        recovery = "aucune erreur vue par la sonde"
    elif back is None:
        recovery = "service NON revenu"
    else:
        recovery = f"service revenu {back - first_error:.1f} s après la première erreur de la sonde"
    return {
        "cas": f"PostgreSQL redémarré (`{restart}`) sous {users} utilisateurs",
        "ok": (first_error is None or back is not None) and traceback == 0 and orphans == 0 and slowest < 15,
        "détail": (
            f"redémarrage {restart_end - restart_start:.1f} s ; {len(failed)} requêtes en échec sur "
            f"{len(data['samples'])} ({level.error_rate:.1%}, codes {dict(Counter(s[3] for s in failed))}) ; "
            f"sonde : {len(errors)} réponses en erreur, dont {clean} page d'erreur française ou connexion refusée, "
            f"{traceback} avec une trace ; réponse la plus lente {slowest:.1f} s ; {recovery} ; "
            f"{written} notes écrites pendant le cas, {orphans} d'entre elles sans son événement d'audit"
        ),
    }


def _notes_without_audit(after_pk: int) -> int:
    """Notes written during the case (pk above ``after_pk``) whose audit event is missing: a half write."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM parcours_notesuivi n WHERE n.id > %s AND NOT EXISTS ("
            " SELECT 1 FROM portail_auditevent a JOIN django_content_type ct ON ct.id = a.content_type_id"
            " WHERE ct.app_label = 'parcours' AND ct.model = 'notesuivi' AND a.object_id = n.id::text)",
            [after_pk],
        )
        return cursor.fetchone()[0]


# --- The run ---------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.resilience", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("RESILIENCE_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--restart-command", default=os.environ.get("RESILIENCE_RESTART_COMMAND", DEFAULT_RESTART))
    parser.add_argument("--broker-url", default=os.environ.get("RESILIENCE_BROKER_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--pathways", type=int, default=1000)
    args = parser.parse_args(argv)
    managed = args.database_url == DEFAULT_URL
    if managed:
        ensure_cluster()
    workdir = Path(tempfile.mkdtemp(prefix="ppe-resilience-"))
    stack = Stack(database_url=args.database_url, broker_url=args.broker_url, port=args.port, workdir=workdir,
                  extra_env={"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
                             "EMAIL_BACKEND": "bench.slow_mail.EmailBackend"})
    print(f"Résilience : dossier de travail {workdir}", flush=True)
    results = []
    try:
        if stack.prepare():
            from bench.loadtest.__main__ import GENERATOR, fill, seed_public_site

            fill(stack, "generate" if GENERATOR else "demo", args.pathways)
            seed_public_site(stack)
        accounts = workdir / "accounts.json"
        stack.python("-m", "bench.loadtest.accounts", str(accounts), "--per-role", "10")
        subprocess.run([PYTHON, "-m", "celery", "-A", "portail", "purge", "-f"], cwd=ROOT, env=stack.env(),
                       check=True, timeout=60, capture_output=True)
        os.environ.update(stack.env())
        import django

        django.setup()
        stack.start_celery()
        stack.start_gunicorn()
        for case in (lambda: export_case(stack, whole=False), lambda: export_case(stack, whole=True),
                     lambda: reminder_case(stack, "digest"), lambda: reminder_case(stack, "echeances"),
                     lambda: restart_case(stack, args.restart_command, accounts)):
            try:
                result = case()
            except Exception as error:  # a case that breaks is a failed check, the others still run
                result = {"cas": getattr(case, "label", "cas interrompu"), "ok": False, "détail": repr(error)}
            results.append(result)
            print(f"{'OK ' if result['ok'] else 'ÉCHEC'} {result['cas']} : {result['détail']}", flush=True)
        machine = machine_description(args.database_url)
    finally:
        stack.stop()
        if managed:
            stop_cluster()
    stamp = datetime.now(PARIS).strftime("%Y-%m-%d-%H%M%S")
    out = ROOT / "bench" / "results" / f"{stamp}-resilience.md"
    lines = [f"# Résilience sous charge du {datetime.now(PARIS):%d/%m/%Y %H:%M}", "", f"Machine : {machine}.", "",
             "Commande : `make resilience` (`python -m bench.resilience`). Worker Celery : prefork, 1 processus, "
             f"acks tardifs, rejet si le worker meurt, délai de visibilité {VISIBILITY_TIMEOUT} s pour ce test.", "",
             "| cas | résultat | détail |", "|---|---|---|"]
    lines += [f"| {r['cas']} | {'ok' if r['ok'] else 'ÉCHEC'} | {r['détail']} |" for r in results]
    out.write_text("\n".join(lines) + "\n")
    print(f"Résultats enregistrés dans {out}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
