"""Prepared statements for the statements every busy request repeats (`core.db.fetch_one`)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import DataError, ProgrammingError
from django.test.utils import CaptureQueriesContext

from opengov.core import db

pytestmark = pytest.mark.django_db


def test_returns_the_first_row_and_is_logged_like_any_query():
    with CaptureQueriesContext(connection) as queries:
        assert db.fetch_one("SELECT %s + 1", [41]) == (42,)
        assert db.fetch_one("SELECT 1 WHERE 1 = %s", [2]) is None
    assert len(queries) == 2
    assert "41" in queries[0]["sql"]


@pytest.mark.postgres
def test_on_postgresql_a_statement_is_prepared_once_per_connection():
    statement = "SELECT count(*) FROM django_migrations WHERE app = %s"
    for app in ("core", "accounts", "proposals"):
        db.fetch_one(statement, [app])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%FROM django_migrations WHERE app = $1%"],
        )
        assert cursor.fetchone()[0] == 1
    # Django's own queries stay unprepared
    with connection.cursor() as cursor:
        for _ in range(10):
            cursor.execute("SELECT count(*) FROM django_content_type WHERE id > %s", [0])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%django_content_type%"],
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.postgres
def test_on_postgresql_errors_are_djangos():
    with pytest.raises(ProgrammingError):
        db.fetch_one("SELECT no_such_column FROM django_migrations WHERE id = %s", [1])


@pytest.mark.postgres
def test_on_postgresql_values_of_each_kind_go_and_come_back_as_the_cursor_would():
    moment = dt.datetime(2026, 11, 29, 8, 30, 15, 123456, tzinfo=dt.UTC)
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    sent = [2**40, False, moment, dt.date(2026, 2, 28), key, Decimal("12.50"), "臺灣 ok", "", None]
    row = db.fetch_one(
        "SELECT %s::bigint, %s::boolean, %s::timestamptz, %s::date, %s::uuid, %s::numeric, "
        "%s::text, %s::text, %s::bigint",
        sent,
    )
    assert row == tuple(sent)
    named = db.fetch_one("SELECT %(a)s::int + %(b)s::int, %(a)s::int, 5 %% 3", {"a": 2, "b": 3})
    assert named == (5, 2, 2)


@pytest.mark.postgres
def test_on_postgresql_text_with_a_nul_is_refused_not_cut_short():
    with pytest.raises(DataError):
        db.fetch_one("SELECT %s::text", ["before\x00after"])


def test_a_statement_takes_one_kind_of_placeholder():
    with pytest.raises(ValueError, match="not both"):
        db._Statement("SELECT %s, %(name)s")


@pytest.mark.postgres
def test_on_postgresql_a_rolled_back_savepoint_and_a_watched_query_keep_it_prepared():
    statement = "SELECT count(*) FROM django_migrations WHERE app = %s"
    assert db.fetch_one(statement, ["core"])[0] > 0
    with CaptureQueriesContext(connection):
        db.fetch_one(statement, ["accounts"])
    try:
        with transaction.atomic():
            db.fetch_one(statement, ["proposals"])
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert db.fetch_one(statement, ["core"])[0] > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_statement_the_server_forgot_is_prepared_again():
    statement = "SELECT %s::int * 2"
    assert db.fetch_one(statement, [21]) == (42,)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert db.fetch_one(statement, [4]) == (8,)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_statement_opening_an_atomic_block_is_inside_its_transaction():
    """Django's outermost atomic block has psycopg send BEGIN with the next query; the
    statement must not run before it (committed on its own, kept by a rollback)."""
    insert = "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s) RETURNING id"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert db.fetch_one(insert, ["opengov_test", "rolled_back", dt.datetime.now(dt.UTC)])
        raise RuntimeError("roll back")
    with transaction.atomic():
        assert db.fetch_one(insert, ["opengov_test", "kept", dt.datetime.now(dt.UTC)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM django_migrations WHERE app = %s", ["opengov_test"])
        names = [row[0] for row in cursor.fetchall()]
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["opengov_test"])
    assert names == ["kept"]
