"""Running the red flags: the registry of flag modules and the views they share.

`run` creates temporary views over the loaded tables with the processes in scope (not
cancelled, not excluded by `procurementMethodDetails`, as Cardinal's global configuration
does), then asks each registered flag for its hits. Each flag is one set-based query.
"""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from typing import TYPE_CHECKING

import duckdb

from . import indicators
from .base import Flag, FlagDefinition, FlagHit, sql_list

if TYPE_CHECKING:
    from opengov.core.jurisdiction import ProcurementFlagRules


def _discover() -> dict[str, Flag]:
    found: dict[str, Flag] = {}
    for module_info in sorted(pkgutil.iter_modules(indicators.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{indicators.__name__}.{module_info.name}")
        flag = module.FLAG
        code = flag.definition.code
        if code in found:
            raise ValueError(f"two flags define {code}")
        found[code] = flag
    return found


_FLAG_OBJECTS: dict[str, Flag] = _discover()
FLAGS: dict[str, FlagDefinition] = {code: f.definition for code, f in _FLAG_OBJECTS.items()}


def _default_rules() -> ProcurementFlagRules:
    from opengov.core.jurisdiction import jurisdiction

    return jurisdiction().procurement_flags


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a relation of an earlier run, whether it was made a view or a table."""
    (views,) = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [name]
    ).fetchone()
    con.execute(f"DROP {'VIEW' if views else 'TABLE'} IF EXISTS {name}")


def prepare_views(con: duckdb.DuckDBPyConnection, rules: ProcurementFlagRules) -> None:
    """The relations every flag reads: processes, bids and awards in scope, and shared facts.

    When every process is in scope (the usual case) the scoped relations are views over the
    loaded tables and cost nothing; otherwise they are filtered once into temporary tables.
    """
    excluded = sql_list(rules.excluded_method_details)
    no_price = sql_list(rules.no_price_comparison_method_details)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE fl_out_of_scope AS
        SELECT ocid FROM og_release
        WHERE tender_status = 'cancelled' OR list_contains({excluded}, method_details)
        """
    )
    out_of_scope = con.execute("SELECT count(*) FROM fl_out_of_scope").fetchone()[0]
    for name in ("fl_release", "fl_bid", "fl_bid_set", "fl_award", "fl_final"):
        _drop(con, name)
    # facts that several flags share are cached for one run as tables named fl_cache_*
    for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'fl_cache_%'"
    ).fetchall():
        con.execute(f"DROP TABLE {name}")
    kind = "TEMP TABLE" if out_of_scope else "TEMP VIEW"
    for name, table in (
        ("fl_bid", "og_bid"),
        ("fl_bid_set", "og_bid_set"),
        ("fl_award", "og_award"),
    ):
        where = "WHERE ocid NOT IN (SELECT ocid FROM fl_out_of_scope)" if out_of_scope else ""
        con.execute(f"CREATE {kind} {name} AS SELECT * FROM {table} {where}")
    where = "WHERE ocid NOT IN (SELECT ocid FROM fl_out_of_scope)" if out_of_scope else ""
    con.execute(
        f"""
        CREATE {kind} fl_release AS
        SELECT *, NOT list_contains({no_price}, coalesce(method_details, '')) AS price_comparable
        FROM og_release {where};

        -- submitted bids: every status except invited and withdrawn (and a status is given)
        CREATE OR REPLACE TEMP VIEW fl_submitted AS
        SELECT * FROM fl_bid WHERE status IS NOT NULL AND status NOT IN ('invited', 'withdrawn');
        CREATE OR REPLACE TEMP VIEW fl_submitted_set AS
        SELECT * FROM fl_bid_set
        WHERE status IS NOT NULL AND status NOT IN ('invited', 'withdrawn');

        -- processes whose awards are all final (active, cancelled or unsuccessful) and that
        -- have bids; the active award and its supplier when there is exactly one of each
        CREATE TEMP TABLE fl_final AS
        WITH a AS (
            SELECT ocid,
                   bool_and(status IS NULL OR status IN ('active', 'cancelled', 'unsuccessful'))
                       AS all_final,
                   len(list_distinct(list(award_index) FILTER (WHERE status = 'active')))
                       AS active_awards,
                   max(supplier_count) FILTER (WHERE status = 'active') AS max_suppliers,
                   any_value(supplier_key) FILTER (WHERE status = 'active') AS winner_key,
                   any_value(supplier_id) FILTER (WHERE status = 'active') AS winner_id,
                   list_distinct(list(supplier_key) FILTER (
                       WHERE status = 'active' AND supplier_key IS NOT NULL)) AS active_suppliers
            FROM fl_award GROUP BY ocid
        )
        SELECT r.ocid, r.buyer_key, r.price_comparable,
               coalesce(a.active_awards, 0) AS active_awards,
               CASE WHEN a.active_awards = 1 AND a.max_suppliers = 1 THEN a.winner_key END
                   AS winner_key,
               CASE WHEN a.active_awards = 1 AND a.max_suppliers = 1 THEN a.winner_id END
                   AS winner_id,
               coalesce(a.active_suppliers, []) AS active_suppliers
        FROM fl_release r LEFT JOIN a USING (ocid)
        WHERE r.has_bids AND r.has_awards AND coalesce(a.all_final, true);
        """
    )


def run(
    con: duckdb.DuckDBPyConnection,
    *,
    rules: ProcurementFlagRules | None = None,
    codes: Iterable[str] | None = None,
) -> list[FlagHit]:
    """Every flag (or those codes) as set-based SQL; rules default to
    `jurisdiction().procurement_flags`."""
    if rules is None:
        rules = _default_rules()
    selected = list(_FLAG_OBJECTS) if codes is None else list(codes)
    unknown = [code for code in selected if code not in _FLAG_OBJECTS]
    if unknown:
        raise KeyError(f"unknown flag codes: {', '.join(unknown)}")
    prepare_views(con, rules)
    hits: list[FlagHit] = []
    for code in selected:
        hits.extend(_FLAG_OBJECTS[code].hits(con, rules))
    return hits
