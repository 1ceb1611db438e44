"""The public site under load: gunicorn (2 workers) on loopback, page cache on, 20 clients.

Seeds the site (``cms_pages.demo.seed``, idempotent), starts ``gunicorn portail.wsgi`` with
``CMS_PAGE_CACHE_SECONDS=300`` on a free loopback port, and for each URL (the home page and a
simulator result) runs 20 concurrent clients (threads, keep-alive connections) for a fixed
time after a short warm-up that fills each worker's cache. Recorded: median and p95 latency per
request, number of requests served in the measuring time (rows; divided by it, the throughput).
Every response must be a 200 with the expected text, or the run fails.

It does not read the pathways: at each stage of ``python -m bench`` it shows that the public site
does not slow down as the back office's data grows. ``CMS_BENCH_SECONDS`` (default 10) sets the
measuring time per URL. The queries and memory columns
are not measured here (they belong to the server processes) and show 0. The load client shares the
2 cores with the server, so the figures are a floor.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.harness import Measure

CLIENTS = 20
WORKERS = 2
SECONDS = float(os.environ.get("CMS_BENCH_SECONDS", "10"))
WARM_UP_SECONDS = 2.0
URLS = [
    ("accueil", "/", "Parcours Petite Enfance"),
    (
        "résultat du simulateur",
        "/calculer-votre-tarif/?ressources=36000&periode=annuelles&enfants=2&accueil=collectif&heures=120",
        "Votre tarif estimé",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn n'a pas démarré à temps.")


def _client(port: int, path: str, expected: str, until: float, measure_from: float, timings: list, errors: list):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while (start := time.perf_counter()) < until:
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
        except OSError as error:
            errors.append(repr(error))
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        elapsed = time.perf_counter() - start
        if response.status != 200 or expected.encode() not in body:
            errors.append(f"{response.status} sur {path}")
        elif start >= measure_from:
            timings.append(elapsed)
    connection.close()


def _load(port: int, path: str, expected: str) -> tuple[list[float], float, list[str]]:
    timings: list[float] = []
    errors: list[str] = []
    begin = time.perf_counter()
    measure_from = begin + WARM_UP_SECONDS
    until = measure_from + SECONDS
    threads = [
        threading.Thread(target=_client, args=(port, path, expected, until, measure_from, timings, errors))
        for _ in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, SECONDS, errors


def run(report, world=None) -> None:
    from cms_pages.demo import seed

    seed()
    port = _free_port()
    env = {**os.environ, "CMS_PAGE_CACHE_SECONDS": "300", "DJANGO_SETTINGS_MODULE": "portail.settings"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "portail.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        env=env, cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        _wait_until_up(port)
        for label, path, expected in URLS:
            timings, seconds, errors = _load(port, path, expected)
            if errors:
                raise RuntimeError(f"{len(errors)} réponses en erreur, par exemple : {errors[0]}")
            timings.sort()
            p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))] * 1000
            measure = Measure(
                f"site public – {label} – gunicorn {WORKERS} workers – {CLIENTS} clients – cache ; lignes : requêtes "
                f"servies en {seconds:.0f} s",
                len(timings), statistics.median(timings) * 1000, p95, 0, 0.0,
            )
            report.add(measure)
    finally:
        server.terminate()
        server.wait(timeout=30)
