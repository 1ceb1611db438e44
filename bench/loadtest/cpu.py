"""CPU used by each part of the stack during a load level, sampled every second (psutil).

Groups: gunicorn (master and workers), the PostgreSQL backends of the run's database, the
Celery worker, the load client, everything else running on the machine, and the whole machine.
Figures are in % of one core (two cores busy = 200 %), so a group near 100 % per process it has
is saturated.
"""

from __future__ import annotations

import threading
import time

import psutil

GROUPS = ["gunicorn", "PostgreSQL", "Celery", "locust", "autres processus", "machine"]
OURS = GROUPS[:4]


class CpuSampler(threading.Thread):
    def __init__(self, *, gunicorn_pid: int, celery_pid: int | None, locust_pid: int, database: str):
        super().__init__(daemon=True)
        self.roots = {"gunicorn": gunicorn_pid, "Celery": celery_pid, "locust": locust_pid}
        self.database = database
        self.timeline: list[tuple[float, dict[str, float]]] = []
        self._last: dict[int, float] = {}
        self._total: dict[str, float] = dict.fromkeys([*OURS, "machine"], 0.0)
        self._halt = threading.Event()

    def _processes(self):
        for group, pid in self.roots.items():
            if pid is None:
                continue
            try:
                root = psutil.Process(pid)
                yield group, root
                for child in root.children(recursive=True):
                    yield group, child
            except psutil.Error:
                continue
        marker = f" {self.database} "
        for proc in psutil.process_iter(["name", "cmdline"]):
            try:
                if proc.info["name"] == "postgres" and marker in " ".join(proc.info["cmdline"] or []) + " ":
                    yield "PostgreSQL", proc
            except psutil.Error:
                continue

    def sample(self) -> None:
        for group, proc in self._processes():
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            used = times.user + times.system
            self._total[group] += max(0.0, used - self._last.get(proc.pid, used))
            self._last[proc.pid] = used
        machine = psutil.cpu_times()
        self._total["machine"] = machine.user + machine.system + machine.nice + getattr(machine, "irq", 0) + \
            getattr(machine, "softirq", 0)
        self.timeline.append((time.time(), dict(self._total)))

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(1.0)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)

    def usage(self, start: float, end: float) -> dict[str, float]:
        """Average % of one core of each group between ``start`` and ``end`` (epoch seconds)."""
        inside = [(t, totals) for t, totals in self.timeline if start <= t <= end]
        if len(inside) < 2:
            return {}
        (t0, first), (t1, last) = inside[0], inside[-1]
        usage = {g: 100 * (last[g] - first[g]) / (t1 - t0) for g in GROUPS if g != "autres processus"}
        # What the rest of the machine took meanwhile (other programs sharing the cores).
        usage["autres processus"] = max(0.0, usage["machine"] - sum(usage[g] for g in OURS))
        return usage
