"""``python -m bench [module…]``: runs the benchmarks and saves the table in bench/results/."""

import importlib
import os
import pkgutil
import sys
from datetime import datetime
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")
django.setup()

from bench.harness import Report, machine_description  # noqa: E402


def main(argv: list[str]) -> int:
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    report = Report()
    print(Report.HEADER)
    for name in names:
        importlib.import_module(f"bench.{name}").run(report)
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    out = Path(__file__).parent / "results" / f"{stamp}-{'-'.join(n.removeprefix('bench_') for n in names)}.md"
    out.write_text(f"# Bancs d'essai du {stamp}\n\nMachine : {machine_description()}\n\n{report.table()}\n")
    print(f"\nRésultats enregistrés dans {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
