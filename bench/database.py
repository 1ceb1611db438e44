"""The benchmarks' own PostgreSQL database: ``BENCH_DATABASE_URL``, created and migrated when needed."""

from __future__ import annotations

import os

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ppe_bench"


def setup() -> str:
    """Points Django at the bench database (creating it if missing), sets Django up, migrates.

    Must run before ``django.setup()``: it sets ``DATABASE_URL`` from ``BENCH_DATABASE_URL``.
    Returns the database's name.
    """
    import dj_database_url
    import psycopg
    from psycopg import sql

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")
    config = dj_database_url.parse(url)
    server = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None,
              "password": config["PASSWORD"] or None, "dbname": "postgres"}
    with psycopg.connect(**{k: v for k, v in server.items() if v}, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"Base {config['NAME']} créée.", flush=True)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    return config["NAME"]
