"""A tested restore: ``python -m deploy.backup_check [DATABASE_URL]`` (``make backup-check``).

Dumps the database with ``pg_dump --format=custom`` (what docs/deployment.md tells production to
run nightly), restores the dump with ``pg_restore`` into a fresh database ``<name>_restore_check``,
counts the rows of every table of both databases and fails when a table is missing on either side
or counts differ. The restored database is dropped afterwards (``--keep`` keeps it for a look),
and so is the dump unless ``--dump FILE`` names where to keep it.

Counts are taken inside one REPEATABLE READ transaction per database, so a source that keeps
receiving writes is compared as of one instant; pg_dump also reads one snapshot, but not the same
one: run it on a quiet database (or a replica) for an exact comparison.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ppe_load"


def libpq(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))


def with_database(url: str, name: str) -> str:
    parts = urlsplit(libpq(url))
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def row_counts(url: str) -> dict[str, int]:
    """Exact row count of every ordinary table outside the system schemas, as ``schema.table``."""
    with psycopg.connect(libpq(url)) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        tables = conn.execute(
            "SELECT schemaname, tablename FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        ).fetchall()
        return {
            f"{schema}.{table}": conn.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
            ).fetchone()[0]
            for schema, table in tables
        }


def compare(source: dict[str, int], restored: dict[str, int]) -> list[str]:
    """The differences, one French line each; empty when every table has the same count."""
    problems = []
    for table in sorted(source.keys() | restored.keys()):
        if table not in restored:
            problems.append(f"{table} : absente de la base restaurée ({source[table]} lignes dans la source)")
        elif table not in source:
            problems.append(f"{table} : présente seulement dans la base restaurée ({restored[table]} lignes)")
        elif source[table] != restored[table]:
            problems.append(f"{table} : {source[table]} lignes dans la source, {restored[table]} restaurées")
    return problems


def check(url: str, *, keep: bool = False, dump: Path | None = None) -> list[str]:
    name = urlsplit(url).path.lstrip("/")
    target = f"{name}_restore_check"
    admin = with_database(url, "postgres")
    with tempfile.TemporaryDirectory(prefix="ppe-backup-") as tmp:
        path = dump or Path(tmp) / f"{name}.dump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path), libpq(url)],
                       check=True, timeout=3600)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
        try:
            subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", with_database(url, target),
                            str(path)], check=True, timeout=3600)
            source, restored = row_counts(url), row_counts(with_database(url, target))
        finally:
            if not keep:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
        size = path.stat().st_size
    problems = compare(source, restored)
    print(f"{len(source)} tables, {sum(source.values())} lignes, sauvegarde de {size / 2**20:.1f} Mio : "
          + ("restauration identique." if not problems else f"{len(problems)} différence(s)."))
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.backup_check", description=__doc__.splitlines()[0])
    parser.add_argument("database_url", nargs="?",
                        default=os.environ.get("BACKUP_CHECK_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    parser.add_argument("--dump", type=Path, help="keep the dump in this file")
    args = parser.parse_args(argv)
    problems = check(args.database_url, keep=args.keep, dump=args.dump)
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
