"""``python -m bench [module…]``: grows the bench world stage by stage, measures every module at
each stage, prints one table and saves it in ``bench/results/``.

The world lives in PostgreSQL (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/ppe_bench``; created and migrated when missing) and is
grown by ``bench.generate`` to each of ``BENCH_STAGES`` pathways (default ``1000,10000,100000``).
A world already bigger than a stage is measured as it is (the generator never shrinks it).
"""

import importlib
import os
import pkgutil
import sys
import time
from datetime import datetime
from pathlib import Path

STAGES = (1_000, 10_000, 100_000)


def stages() -> list[int]:
    raw = os.environ.get("BENCH_STAGES", "")
    return sorted({int(s.replace("_", "")) for s in raw.split(",") if s.strip()}) or list(STAGES)


def main(argv: list[str]) -> int:
    from bench.database import setup

    database = setup()
    from django.conf import settings

    # Measured as in production: no query log, no debug pages (the settings' default is the demo's DEBUG).
    settings.DEBUG = False
    from bench.generate import grow
    from bench.harness import Report, machine_description

    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    modules = [importlib.import_module(f"bench.{name}") for name in names]
    report = Report()
    growth = []
    for stage in stages():
        started = time.perf_counter()
        world = grow(stage, verbose=True)
        growth.append(f"{world.pathways:,} parcours : {time.perf_counter() - started:.0f} s".replace(",", " "))
        report.stage = world.pathways
        print(f"\n## {world.pathways} parcours\n\n{Report.HEADER}", flush=True)
        for module in modules:
            module.run(report, world)
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    out = Path(__file__).parent / "results" / f"{stamp}-{'-'.join(n.removeprefix('bench_') for n in names)}.md"
    out.write_text(
        f"# Bancs d'essai du {stamp}\n\n"
        f"Machine : {machine_description()}\n\n"
        f"Base : {database} ; étapes : {', '.join(str(s) for s in stages())} parcours ; "
        f"croissance du monde (génération) : {' ; '.join(growth)}.\n\n"
        f"Temps serveur (vue appelée dans le processus, sans réseau), médiane et p95 de 7 mesures après "
        f"un échauffement (DEBUG désactivé) ; requêtes SQL comptées sur une exécution à part ; "
        f"pic de mémoire Python d'une exécution tracée à part.\n\n"
        f"{report.table()}\n"
    )
    print(f"\nRésultats enregistrés dans {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
