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
