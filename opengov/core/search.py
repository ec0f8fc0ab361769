"""Text search on the database's own index: SQLite FTS5 (trigram) or PostgreSQL pg_trgm.

Chinese has no spaces between words, so both match substrings: a term of 3 characters or
more goes through the index an app's migration created (an FTS5 trigram table kept in step
by triggers on SQLite, GIN trigram indexes serving ILIKE on PostgreSQL); a shorter term falls
back to a plain case-insensitive substring match. The term is always matched literally: FTS
syntax (`"`, `*`, `OR`, `NEAR(`) and LIKE wildcards (`%`, `_`) have no effect.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

MIN_INDEXED_LENGTH = 3
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def text_search_q(term: str, *, table: str, fts_table: str, columns: Sequence[str]) -> Q:
    """Rows of `table` whose `columns` contain `term`; an empty term matches nothing.

    `fts_table` is the FTS5 table (rowid = the row's id) that the app keeps on SQLite.
    """
    for name in (table, fts_table, *columns):
        if not _IDENTIFIER.fullmatch(name):  # names come from code, never from input
            raise ValueError(f"not an SQL identifier: {name!r}")
    term = (term or "").replace("\x00", "").strip()
    if not term:
        return Q(pk__in=[])
    if len(term) < MIN_INDEXED_LENGTH:
        return reduce(or_, (Q(**{f"{column}__icontains": term}) for column in columns))
    if connection.vendor == "sqlite":
        phrase = '"' + term.replace('"', '""') + '"'
        sql = f"SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH %s"  # noqa: S608
        return Q(pk__in=RawSQL(sql, [phrase]))  # noqa: S611 - the term is a parameter
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    where = " OR ".join(f"{column} ILIKE %s" for column in columns)
    sql = f"SELECT id FROM {table} WHERE {where}"  # noqa: S608 - names checked above
    return Q(pk__in=RawSQL(sql, [pattern] * len(columns)))  # noqa: S611 - term is a parameter


_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def trigram_index_migration(
    *, table: str, fts_table: str, columns: tuple[str, ...], index_prefix: str
) -> Any:
    """The migration operation that creates the index `text_search_q` reads for `table`'s
    `columns`: on SQLite an external-content FTS5 table with the trigram tokenizer, kept in
    step by triggers on insert, delete and update of those columns (then rebuilt from the
    rows); on PostgreSQL one pg_trgm GIN index per column. Reversible. One definition for
    every app, so the trigger SQL is written once."""
    from django.db import migrations

    _check_identifiers(table, fts_table, index_prefix, *columns)
    cols = ", ".join(columns)
    sqlite_forward = [
        f"CREATE VIRTUAL TABLE {fts_table} USING fts5({cols}, "
        f"content='{table}', content_rowid='id', tokenize='trigram')",
        *_sqlite_triggers(table, fts_table, columns),
        f"INSERT INTO {fts_table}({fts_table}) VALUES ('rebuild')",  # noqa: S608
    ]
    sqlite_backward = [*_drop_triggers(fts_table), f"DROP TABLE IF EXISTS {fts_table}"]
    pg_forward = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
        f"CREATE INDEX IF NOT EXISTS {index_prefix}_{c}_trgm ON {table} "
        f"USING gin ({c} gin_trgm_ops)"
        for c in columns
    ]
    pg_backward = [f"DROP INDEX IF EXISTS {index_prefix}_{c}_trgm" for c in columns]

    return migrations.RunPython(
        _runner({"sqlite": sqlite_forward, "postgresql": pg_forward}),
        _runner({"sqlite": sqlite_backward, "postgresql": pg_backward}),
    )


def _check_identifiers(*names: str) -> None:
    for name in names:
        if not _IDENTIFIER.fullmatch(name):  # names come from migrations, never from input
            raise ValueError(f"not a plain SQL identifier: {name!r}")


def _drop_triggers(fts_table: str) -> list[str]:
    """Drop the triggers of `_sqlite_triggers` (after insert, delete and update)."""
    return [f"DROP TRIGGER IF EXISTS {fts_table}_{suffix}" for suffix in ("ai", "ad", "au")]


def _sqlite_triggers(table: str, fts_table: str, columns: tuple[str, ...]) -> list[str]:
    """The triggers that keep an external-content FTS5 table in step with `table`."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete_old = (
        f"INSERT INTO {fts_table}({fts_table}, rowid, {cols}) "  # noqa: S608 (checked names)
        f"VALUES ('delete', old.id, {old});"
    )
    insert_new = f"INSERT INTO {fts_table}(rowid, {cols}) VALUES (new.id, {new});"  # noqa: S608
    return [
        f"CREATE TRIGGER {fts_table}_ai AFTER INSERT ON {table} BEGIN {insert_new} END",
        f"CREATE TRIGGER {fts_table}_ad AFTER DELETE ON {table} BEGIN {delete_old} END",
        f"CREATE TRIGGER {fts_table}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"{delete_old} {insert_new} END",
    ]


def _runner(statements_by_vendor: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return run


def trigram_triggers_restore(*, table: str, fts_table: str, columns: tuple[str, ...]) -> Any:
    """The migration operation to put after a schema change that makes SQLite rebuild `table`
    (adding a NOT NULL column, altering one): the rebuild drops the table's triggers, so the
    FTS5 index of `trigram_index_migration` would stop following the rows. Re-creates the
    triggers and rebuilds the index; nothing to do on PostgreSQL, whose indexes survive."""
    from django.db import migrations

    _check_identifiers(table, fts_table, *columns)
    forward = [
        *_drop_triggers(fts_table),
        *_sqlite_triggers(table, fts_table, columns),
        f"INSERT INTO {fts_table}({fts_table}) VALUES ('rebuild')",  # noqa: S608
    ]
    return migrations.RunPython(_runner({"sqlite": forward}), _runner({"sqlite": forward}))
