"""Prepared statements for the statements every busy request repeats (`core.db.fetch_one`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.utils import ProgrammingError
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
