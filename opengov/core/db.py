"""Running the few statements that every busy request repeats (bearer authentication,
co-signing, opinion votes) as prepared statements on PostgreSQL.

Django's PostgreSQL backend binds parameters on the client and never prepares, so the server
parses and plans every statement again; for the co-signing statement (a check, two upserts
and a sum) planning costs more than running it. `fetch_one` prepares such a statement once
per database connection and then only executes it.

It does so on the connection's own libpq handle: the parameters sent as text, the row read
with the connection's own loaders (Django's time zone among them). That costs the client
about half of what a psycopg cursor inside Django's cursor wrapper does, which on the
co-signing path is a tenth of the request. Errors are still Django's
(`wrap_database_errors`), a broken transaction is still refused, a statement that opens
Django's atomic block runs inside its transaction (psycopg's BEGIN is sent first, as a
cursor would), and whenever someone
watches the queries (Django's query log, `CaptureQueriesContext`, `assertNumQueries`, an
`execute_wrapper`) the statement goes through Django's cursor instead, unprepared, so it is
seen there as any other query. On other databases it is an ordinary query.

Django's own queries must stay unprepared (its default, psycopg's `prepare_threshold`
None): psycopg deallocates every prepared statement of a connection, these included, when
it sees a rollback while it has prepared any of its own. A statement the server no longer
knows is prepared again when no transaction is open; inside one, the error is raised.

A pooler in transaction mode (PgBouncer) needs its prepared-statement support
(`max_prepared_statements`, PgBouncer 1.21 or later) for this to work.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import errors, generators, pq, waiting
from psycopg.adapt import Transformer


def fetch_one(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The first row of `sql` (with `%s` or `%(name)s` placeholders), prepared on PostgreSQL.

    Meant for a handful of fixed statements run many times each: a statement stays
    prepared for the life of the connection.
    """
    # the thread's connection, looked up once (each `connection.x` is a lookup of its own)
    wrapper = connections[DEFAULT_DB_ALIAS]
    if wrapper.vendor != "postgresql":
        return _fetch_one_with_cursor(wrapper, sql, params)
    wrapper.ensure_connection()
    wrapper.validate_thread_sharing()
    database = wrapper.connection
    if not wrapper.queries_logged and not wrapper.execute_wrappers:
        statement = _statement(sql)
        values = _text_values(statement, params)
        if values is not None:
            wrapper.validate_no_broken_transaction()
            with wrapper.wrap_database_errors:
                return _run_prepared(database, statement, values)
    return _fetch_one_with_cursor(wrapper, sql, params)


def _fetch_one_with_cursor(wrapper: Any, sql: str, params: Any) -> tuple[Any, ...] | None:
    """`fetch_one` as an ordinary query, through Django's cursor (not prepared: psycopg's own
    prepared statements are all dropped, with ours, when it sees a rollback)."""
    with wrapper.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


# --- the statement run on the connection's libpq handle ----------------------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%%")


class _Statement:
    """A statement's text with `$n` placeholders, and which parameter goes to each."""

    __slots__ = ("count", "names", "text")

    def __init__(self, sql: str) -> None:
        names: list[str] = []
        positional = 0

        def number(match: re.Match[str]) -> str:
            nonlocal positional
            if match.group(0) == "%%":
                return "%"
            if match.group(1) is None:
                positional += 1
                return f"${positional}"
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        self.text = _PLACEHOLDER.sub(number, sql).encode()
        if names and positional:
            raise ValueError("a statement takes either %s or %(name)s placeholders, not both")
        self.names = tuple(names)
        self.count = positional or len(names)


_statements: dict[str, _Statement] = {}

#: the PostgreSQL types of the values sent as text (a string goes untyped, as psycopg sends
#: it, for the server to infer); any other value, and text with a NUL (which libpq would cut
#: short), goes through Django's cursor, which adapts or refuses it as psycopg does
_INT8 = 20
_BOOL = 16
_TIMESTAMPTZ = 1184
_TIMESTAMP = 1114
_DATE = 1082
_UUID = 2950
_NUMERIC = 1700


def _statement(sql: str) -> _Statement:
    statement = _statements.get(sql)
    if statement is None:
        statement = _statements[sql] = _Statement(sql)
    return statement


def _text_values(
    statement: _Statement, params: Sequence[Any] | Mapping[str, Any]
) -> tuple[tuple[int, ...], list[bytes | None]] | None:
    """(types, values as text) of the parameters, or None to leave them to the cursor."""
    if statement.names:
        if not isinstance(params, Mapping):
            return None
        try:
            ordered = [params[name] for name in statement.names]
        except KeyError:
            return None
    else:
        if isinstance(params, Mapping) or len(params) != statement.count:
            return None
        ordered = list(params)
    types: list[int] = []
    values: list[bytes | None] = []
    for value in ordered:
        kind = type(value)
        if kind is str:
            if "\x00" in value:
                return None
            types.append(0)
            values.append(value.encode())
        elif kind is int:
            types.append(_INT8)
            values.append(str(value).encode())
        elif kind is bool:
            types.append(_BOOL)
            values.append(b"t" if value else b"f")
        elif value is None:
            types.append(0)
            values.append(None)
        elif kind is dt.datetime:
            types.append(_TIMESTAMPTZ if value.tzinfo is not None else _TIMESTAMP)
            values.append(value.isoformat().encode())
        elif kind is dt.date:
            types.append(_DATE)
            values.append(value.isoformat().encode())
        elif kind is uuid.UUID:
            types.append(_UUID)
            values.append(str(value).encode())
        elif kind is decimal.Decimal and value.is_finite():
            types.append(_NUMERIC)
            values.append(str(value).encode())
        else:
            return None
    return tuple(types), values


def _run_prepared(
    database: psycopg.Connection, statement: _Statement, typed: tuple[tuple[int, ...], list]
) -> tuple[Any, ...] | None:
    """Execute the statement prepared (preparing it first on this connection if needed) and
    return its first row, loaded with the connection's loaders."""
    types, values = typed
    prepared: dict[tuple[bytes, tuple[int, ...]], bytes] | None = getattr(
        database, "_opengov_prepared", None
    )
    if prepared is None:
        prepared = database._opengov_prepared = {}  # type: ignore[attr-defined]
    pgconn = database.pgconn
    with database.lock:
        if not database.autocommit and pgconn.transaction_status == pq.TransactionStatus.IDLE:
            # in Django's atomic block, whose BEGIN psycopg sends only with the next query:
            # send it now, as a cursor would, so the statement is inside the transaction
            database.wait(database._start_query())
        result = _execute(database, prepared, statement, types, values)
        if (
            result.error_field(_SQLSTATE) == _NO_SUCH_STATEMENT
            and pgconn.transaction_status == pq.TransactionStatus.IDLE
        ):
            # the server forgot it (DISCARD ALL, DEALLOCATE) and no transaction was spoilt
            # by asking: prepare it again
            prepared.clear()
            result = _execute(database, prepared, statement, types, values)
        _check(database, result)
        if result.ntuples == 0:
            return None
        loader = Transformer(database)
        loader.set_pgresult(result)
        return loader.load_row(0, tuple)


def _execute(
    database: psycopg.Connection,
    prepared: dict[tuple[bytes, tuple[int, ...]], bytes],
    statement: _Statement,
    types: tuple[int, ...],
    values: list[bytes | None],
) -> pq.abc.PGresult:
    """The result of the prepared statement (prepared first if this connection has not)."""
    pgconn = database.pgconn
    name = prepared.get((statement.text, types))
    if name is None:
        name = f"opengov_{len(prepared)}".encode()
        pgconn.send_prepare(name, statement.text, types)
        _check(database, _wait(pgconn))
        prepared[(statement.text, types)] = name
    pgconn.send_query_prepared(name, values)
    return _wait(pgconn)


_SQLSTATE = pq.DiagnosticField.SQLSTATE
#: invalid_sql_statement_name
_NO_SUCH_STATEMENT = b"26000"


def _wait(pgconn: pq.abc.PGconn) -> pq.abc.PGresult:
    """The last result of the command just sent (the connection's socket polled, not spun)."""
    results = waiting.wait(generators.execute(pgconn), pgconn.socket, interval=0.1)
    return results[-1]


def _check(database: psycopg.Connection, result: pq.abc.PGresult) -> None:
    if result.status == pq.ExecStatus.FATAL_ERROR:
        raise errors.error_from_result(result, encoding=database.info.encoding)
