"""Measures operations: median and p95 wall time, SQL queries, peak Python memory.

A benchmark module ``bench/bench_<topic>.py`` defines ``run(report, world)``: it measures its
pages and operations on the shared world of ``bench.generate`` (``world`` says who to act as)
with ``report.measure(...)``. ``python -m bench`` grows the world stage by stage, runs every
module at each stage, prints one table and saves it in ``bench/results/``.
"""

from __future__ import annotations

import platform
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Measure:
    operation: str
    rows: int
    median_ms: float
    p95_ms: float
    queries: int
    peak_mib: float
    target_ms: float | None = None
    stage: int | None = None  # pathways in the world when measured

    @property
    def verdict(self) -> str:
        if self.target_ms is None:
            return ""
        return "ok" if self.median_ms <= self.target_ms else f"au-dessus ({self.median_ms / self.target_ms:.1f}×)"


@dataclass
class Report:
    measures: list[Measure] = field(default_factory=list)
    stage: int | None = None  # set by ``python -m bench`` before each stage

    def add(self, measure: Measure) -> Measure:
        measure.stage = self.stage
        self.measures.append(measure)
        print(self.format_row(measure), flush=True)
        return measure

    def measure(self, operation: str, func, *, rows: int, repeat: int = 7, target_ms: float | None = None):
        """Runs ``func`` once to warm up, once counting its queries, ``repeat`` times timed, once
        more with memory traced. The timed runs record no query: capturing them has a cost."""
        func()
        with CaptureQueriesContext(connection) as ctx:
            func()
        queries = len(ctx.captured_queries)
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            func()
            timings.append((time.perf_counter() - start) * 1000)
        # Memory is traced in a run of its own: tracing slows Python down and would skew the timings.
        tracemalloc.start()
        func()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        return self.add(Measure(operation, rows, statistics.median(timings), p95, queries, peak / 2**20, target_ms))

    HEADER = ("| opération | parcours | lignes | médiane (ms) | p95 (ms) | requêtes | pic mémoire (Mio) | cible (ms) "
              "| verdict |")

    @staticmethod
    def format_row(m: Measure) -> str:
        target = f"{m.target_ms:.0f}" if m.target_ms is not None else "–"
        stage = f"{m.stage:,}" if m.stage is not None else "–"
        return (
            f"| {m.operation} | {stage} | {m.rows:,} | {m.median_ms:.1f} | {m.p95_ms:.1f} | {m.queries} "
            f"| {m.peak_mib:.1f} | {target} | {m.verdict} |".replace(",", " ")
        )

    def table(self) -> str:
        """Every measure, grouped by operation in the order first measured, stages in order:
        each operation's growth reads down its rows."""
        first_seen: dict[str, int] = {}
        for n, m in enumerate(self.measures):
            first_seen.setdefault(m.operation, n)
        ordered = sorted(self.measures, key=lambda m: (first_seen[m.operation], m.stage or 0))
        lines = [self.HEADER, "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        lines += [self.format_row(m) for m in ordered]
        return "\n".join(lines)


def machine_description() -> str:
    vendor = connection.vendor
    version = connection.cursor().connection.info.server_version if vendor == "postgresql" else ""
    return (
        f"{platform.node()} – {platform.processor() or platform.machine()} – "
        f"Python {platform.python_version()} – base {vendor} {version}"
    )


def signed_in(membership):
    """A test client signed in as ``membership``'s user acting through it, second factor verified
    (as after the login and TOTP pages: ``tests.utils.login``)."""
    from django.test import Client

    from tests.utils import login

    return login(Client(), membership.user, membership)


def ok(response):
    assert response.status_code == 200, response.status_code
    return response
