"""Running the few statements that every busy request repeats (bearer authentication,
co-signing) as prepared statements on PostgreSQL.

Django's PostgreSQL backend binds parameters on the client and never prepares, so the server
parses and plans every statement again; for the co-signing statement (a check, two upserts
and a sum) planning costs more than running it. `fetch_one` prepares such a statement once
per database connection (psycopg's server-side binding) and then only executes it, through
Django's own cursor wrapper, so errors are Django's, and query logging and
`connection.execute_wrapper` see it as any other query. On other databases it is an
ordinary query.

A pooler in transaction mode (PgBouncer) needs its prepared-statement support
(`max_prepared_statements`, PgBouncer 1.21 or later) for this to work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections


class PreparingCursor(psycopg.Cursor):
    """A server-side binding cursor that prepares every statement it executes."""

    #: set while Django logs queries: keep the statement's text with its values, which
    #: Django reads from `_query` (a server-side binding cursor keeps none)
    keeps_text = False

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        """Execute `query` as a prepared statement (prepared on its first run)."""
        kwargs["prepare"] = True
        super().execute(query, params, **kwargs)
        if self.keeps_text:
            text = psycopg.ClientCursor(self.connection).mogrify(query, params)
            self._query = SimpleNamespace(query=text.encode())
        return self


#: psycopg prepares nothing while a connection's threshold is None (Django's setting) and
#: prepares a statement by itself after this many runs otherwise; Django's own cursors
#: bind on the client and are never prepared, so this only lets `fetch_one` prepare
_PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


def fetch_one(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The first row of `sql` (with `%s` or `%(name)s` placeholders), prepared on PostgreSQL.

    Meant for a handful of fixed statements run many times each: a statement stays
    prepared for the life of the connection.
    """
    # the thread's connection, looked up once (each `connection.x` is a lookup of its own)
    wrapper = connections[DEFAULT_DB_ALIAS]
    if wrapper.vendor != "postgresql":
        with wrapper.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    wrapper.ensure_connection()
    wrapper.validate_thread_sharing()
    database = wrapper.connection
    if database.prepare_threshold is None:
        database.prepare_threshold = _PREPARE_ONLY_WHEN_ASKED
    raw = PreparingCursor(database)
    if wrapper.queries_logged:
        raw.keeps_text = True
        cursor = wrapper.make_debug_cursor(raw)
    else:
        cursor = wrapper.make_cursor(raw)
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
