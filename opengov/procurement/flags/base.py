"""The parts every red flag shares: its definition, its hits, the registry and the fences.

A flag is one module in `opengov.procurement.flags.indicators` that defines `FLAG`, an object
with a `definition` (`FlagDefinition`) and a `hits(con, rules)` method returning `FlagHit`s
from one set-based query over the tables `load_compiled_releases` makes. Modules are found by
name, so adding a flag touches no other flag.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import duckdb

SUBJECTS = ("process", "buyer", "supplier", "tenderer")

CARDINAL = "Cardinal (Open Contracting Partnership), indicator {code}"
DEVGATEWAY = (
    "Open Contracting Partnership, Red Flags for Integrity (2016), indicator {code}, as "
    "implemented in Development Gateway's OC Explorer"
)


@dataclass(frozen=True)
class FlagDefinition:
    """What a flag detects, where its definition comes from and which thresholds it reads."""

    code: str
    title: Any
    definition: Any
    source: str
    subject: str
    thresholds: tuple[str, ...]


@dataclass(frozen=True)
class FlagHit:
    """One finding: a flag raised on a process, buyer, supplier or tenderer, with its evidence."""

    code: str
    ocid: str | None
    subject: str
    subject_id: str
    evidence: dict


class Flag(Protocol):
    """A red flag: its definition and the query that finds its hits."""

    definition: FlagDefinition

    def hits(self, con: duckdb.DuckDBPyConnection, rules: Any) -> list[FlagHit]: ...


def hits_from_rows(code: str, rows: Iterable[tuple[str | None, str, str, str]]) -> list[FlagHit]:
    """`FlagHit`s from query rows (ocid, subject, subject_id, evidence as JSON text)."""
    return [
        FlagHit(
            code=code,
            ocid=ocid,
            subject=subject,
            subject_id=str(subject_id),
            evidence=json.loads(evidence),
        )
        for ocid, subject, subject_id, evidence in rows
    ]


def quartile_sql(values: str, p: str) -> str:
    """SQL for the p-quantile of a sorted list, by the R-8 method (Hyndman and Fan, 1996).

    R-8 is the method of the statistics library Cardinal uses, so fences computed here are
    the ones Cardinal reports for the same data. `values` must be a sorted list expression.
    """
    n = f"len({values})"
    h = f"(({n} + 1.0 / 3) * ({p}) + 1.0 / 3)"
    f = f"floor({h})::BIGINT"
    return (
        f"CASE WHEN {n} = 0 THEN NULL "
        f"WHEN {h} < 1 THEN {values}[1] "
        f"WHEN {h} >= {n} THEN {values}[{n}] "
        f"ELSE {values}[{f}] + ({h} - {f}) * ({values}[{f} + 1] - {values}[{f}]) END"
    )


def fence_sql(values: str, *, side: str, threshold: float | None) -> str:
    """A SELECT of (q1, q3, fence) over `values` (a sorted list expression).

    side "lower": Q1 − 1.5·IQR; side "upper": Q3 + 1.5·IQR; a threshold replaces the fence.
    """
    q1 = quartile_sql(values, "0.25")
    q3 = quartile_sql(values, "0.75")
    if threshold is not None:
        fence = repr(float(threshold))
    elif side == "lower":
        fence = f"(({q1}) - 1.5 * (({q3}) - ({q1})))"
    else:
        fence = f"(({q3}) + 1.5 * (({q3}) - ({q1})))"
    return f"({q1}) AS q1, ({q3}) AS q3, {fence} AS fence, {len_or_zero(values)} AS population"


def len_or_zero(values: str) -> str:
    return f"coalesce(len({values}), 0)"


def sql_list(values: Iterable[str]) -> str:
    """A SQL list literal of strings (for rule values such as procurement methods)."""
    quoted = ["'" + str(v).replace("'", "''") + "'" for v in values]
    return "([" + ", ".join(quoted) + "]::VARCHAR[])"


@dataclass(frozen=True)
class SqlFlag:
    """A flag whose hits are the rows of one query built from the rules.

    The query returns (ocid, subject, subject_id, evidence) with the evidence as JSON text.
    """

    definition: FlagDefinition
    query: Any  # Callable[[rules], str]

    def hits(self, con: duckdb.DuckDBPyConnection, rules: Any) -> list[FlagHit]:
        rows = con.execute(self.query(rules)).fetchall()
        return hits_from_rows(self.definition.code, rows)


def sql_number(value: float | int) -> str:
    """A rule's number as a SQL literal (never a string from outside)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    return repr(value) if isinstance(value, int) else repr(float(value))


def price_scope(rules: Any, alias: str) -> str:
    """A condition leaving out processes whose prices the buyer predetermines (or nothing)."""
    if not rules.no_price_comparison_method_details:
        return ""
    return f"AND {alias}.ocid NOT IN (SELECT ocid FROM fl_release WHERE NOT price_comparable)"  # noqa: S608
