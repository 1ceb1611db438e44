"""The tested restore of ``make backup-check`` (``deploy.backup_check``)."""

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from deploy import backup_check


def test_identical_counts_make_no_difference():
    counts = {"public.portail_user": 12, "public.parcours_parcours": 100_000}
    assert backup_check.compare(counts, dict(counts)) == []


def test_each_difference_is_named_with_both_counts():
    source = {"public.portail_user": 12, "public.parcours_presence": 1_000_000, "public.rapports_exportjob": 3}
    restored = {"public.portail_user": 12, "public.parcours_presence": 999_998, "public.rgpd_extra": 1}
    assert backup_check.compare(source, restored) == [
        "public.parcours_presence : 1000000 lignes dans la source, 999998 restaurées",
        "public.rapports_exportjob : absente de la base restaurée (3 lignes dans la source)",
        "public.rgpd_extra : présente seulement dans la base restaurée (1 lignes)",
    ]


def test_an_empty_table_missing_from_the_restore_is_still_a_difference():
    assert backup_check.compare({"public.t": 0}, {}) == [
        "public.t : absente de la base restaurée (0 lignes dans la source)"
    ]


def test_urls_keep_the_server_and_change_the_database():
    url = "postgres://portail:secret@db.example:5433/portail"
    assert backup_check.libpq(url) == "postgresql://portail:secret@db.example:5433/portail"
    assert backup_check.with_database(url, "postgres") == "postgresql://portail:secret@db.example:5433/postgres"


@pytest.mark.postgres
def test_a_real_dump_restores_every_row(db):
    """pg_dump, pg_restore into a fresh database, same counts: on a small database made for the test."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump et pg_restore demandent PostgreSQL")
    params = connection.settings_dict
    server = f"postgres://{params['USER'] or 'postgres'}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    name = f"{params['NAME']}_backup_src"
    with psycopg.connect(backup_check.with_database(server + "/postgres", "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(backup_check.with_database(server + "/postgres", name), autocommit=True) as conn:
            conn.execute("CREATE TABLE famille (id serial PRIMARY KEY, commune text)")
            conn.execute("INSERT INTO famille (commune) SELECT 'Lunel' FROM generate_series(1, 250)")
            conn.execute("CREATE TABLE vide (id int)")
        assert backup_check.check(f"{server}/{name}") == []
        assert backup_check.row_counts(f"{server}/{name}") == {"public.famille": 250, "public.vide": 0}
    finally:
        with psycopg.connect(backup_check.with_database(server + "/postgres", "postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
