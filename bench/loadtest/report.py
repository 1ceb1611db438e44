"""Figures of a load level from the client's samples, and the Markdown tables of the results file."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * fraction // 1))  # ceil(n × fraction), at least 1
    return sorted_values[int(rank) - 1]


@dataclass
class Level:
    users: int
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    errors: int
    statuses: dict[int, int]
    cpu: dict[str, float]
    samples: list[list] = field(default_factory=list, repr=False)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0


def summarise(users: int, samples: list[list], seconds: float, cpu: dict[str, float] | None = None) -> Level:
    """``samples`` rows are ``[name, milliseconds, ok, status, epoch]`` as the locustfile writes them."""
    times = sorted(s[1] for s in samples)
    errors = sum(1 for s in samples if not s[2])
    return Level(
        users=users, requests=len(samples), seconds=seconds,
        p50=percentile(times, 0.50), p95=percentile(times, 0.95), p99=percentile(times, 0.99),
        errors=errors, statuses=dict(Counter(s[3] for s in samples if not s[2])), cpu=cpu or {},
        samples=samples,
    )


def per_page(samples: list[list]) -> list[tuple[str, int, float, float, float, int]]:
    """(page, requests, p50, p95, p99, errors) for each kind of request, busiest first."""
    by_name: dict[str, list] = defaultdict(list)
    for row in samples:
        by_name[row[0]].append(row)
    rows = []
    for name, group in by_name.items():
        times = sorted(r[1] for r in group)
        rows.append((name, len(group), percentile(times, 0.5), percentile(times, 0.95), percentile(times, 0.99),
                     sum(1 for r in group if not r[2])))
    return sorted(rows, key=lambda r: -r[1])


def levels_table(levels: list[Level], cpu_groups: list[str]) -> str:
    head = ("| utilisateurs simultanés | requêtes | débit (req/s) | p50 (ms) | p95 (ms) | p99 (ms) | erreurs | "
            + " | ".join(f"CPU {g} (%)" for g in cpu_groups) + " |")
    lines = [head, "|" + "---:|" * (7 + len(cpu_groups))]
    for lv in levels:
        errors = f"{lv.error_rate:.2%}" + (f" ({', '.join(f'{k}: {v}' for k, v in sorted(lv.statuses.items()))})"
                                           if lv.statuses else "")
        cpu = " | ".join(f"{lv.cpu.get(g, 0.0):.0f}" for g in cpu_groups)
        lines.append(f"| {lv.users} | {lv.requests} | {lv.throughput:.1f} | {lv.p50:.0f} | {lv.p95:.0f} "
                     f"| {lv.p99:.0f} | {errors} | {cpu} |")
    return "\n".join(lines)


def pages_table(samples: list[list]) -> str:
    lines = ["| page | requêtes | p50 (ms) | p95 (ms) | p99 (ms) | erreurs |", "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {n} | {c} | {a:.0f} | {b:.0f} | {d:.0f} | {e} |" for n, c, a, b, d, e in per_page(samples)]
    return "\n".join(lines)


def saturation(levels: list[Level]) -> str:
    """Where the stack saturates: the first level whose throughput gain is under half the added
    load; and, said apart, the first level whose p95 is more than 4 times the previous one (the
    requests start queueing before the throughput stops following)."""
    said = []
    for previous, current in itertools.pairwise(levels):
        if current.p95 > 4 * max(previous.p95, 1):
            said.append(f"la latence décroche entre {previous.users} et {current.users} utilisateurs "
                        f"(p95 de {previous.p95:.0f} à {current.p95:.0f} ms)")
            break
    for previous, current in itertools.pairwise(levels):
        expected = previous.throughput * current.users / previous.users
        if current.throughput - previous.throughput < 0.5 * (expected - previous.throughput):
            factor = current.users / previous.users
            said.insert(0, f"saturation entre {previous.users} et {current.users} utilisateurs : le débit passe de "
                           f"{previous.throughput:.1f} à {current.throughput:.1f} req/s (×{factor:.0f} d'utilisateurs)")
            break
    else:
        last = levels[-1]
        said.insert(0, f"pas de saturation du débit jusqu'à {last.users} utilisateurs "
                       f"({last.throughput:.1f} req/s, p95 {last.p95:.0f} ms)")
    return " ; ".join(said)
