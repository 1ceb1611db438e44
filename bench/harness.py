"""Measures operations: median and p95 wall time, SQL queries, peak Python memory.

A benchmark module ``bench/bench_<topic>.py`` defines ``run(report)``; it builds its data (or
reuses what ``bench/generate`` left) and calls ``report.measure(...)`` for each operation.
``python -m bench`` runs every module, prints one table and saves it in ``bench/results/``.
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

    @property
    def verdict(self) -> str:
        if self.target_ms is None:
            return ""
        return "ok" if self.median_ms <= self.target_ms else f"au-dessus ({self.median_ms / self.target_ms:.1f}×)"


@dataclass
class Report:
    measures: list[Measure] = field(default_factory=list)

    def measure(self, operation: str, func, *, rows: int, repeat: int = 7, target_ms: float | None = None):
        """Runs ``func`` once to warm up, ``repeat`` times timed, once more with memory traced."""
        func()
        timings, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                func()
                timings.append((time.perf_counter() - start) * 1000)
            queries = len(ctx.captured_queries)
        # Memory is traced in a run of its own: tracing slows Python down and would skew the timings.
        tracemalloc.start()
        func()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        result = Measure(operation, rows, statistics.median(timings), p95, queries, peak / 2**20, target_ms)
        self.measures.append(result)
        print(self.format_row(result), flush=True)
        return result

    HEADER = "| opération | lignes | médiane (ms) | p95 (ms) | requêtes | pic mémoire (Mio) | cible (ms) | verdict |"

    @staticmethod
    def format_row(m: Measure) -> str:
        target = f"{m.target_ms:.0f}" if m.target_ms is not None else "–"
        return (
            f"| {m.operation} | {m.rows:,} | {m.median_ms:.1f} | {m.p95_ms:.1f} | {m.queries} "
            f"| {m.peak_mib:.1f} | {target} | {m.verdict} |".replace(",", " ")
        )

    def table(self) -> str:
        lines = [self.HEADER, "|---|---:|---:|---:|---:|---:|---:|---|"]
        lines += [self.format_row(m) for m in self.measures]
        return "\n".join(lines)


def machine_description() -> str:
    vendor = connection.vendor
    version = connection.cursor().connection.info.server_version if vendor == "postgresql" else ""
    return (
        f"{platform.node()} – {platform.processor() or platform.machine()} – "
        f"Python {platform.python_version()} – base {vendor} {version}"
    )
