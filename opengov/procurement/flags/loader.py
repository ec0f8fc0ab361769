"""Loading compiled releases and bidder links into the analytics tables the flags query.

One OCDS 1.1 compiled release per line (the bids extension included) becomes rows of five
tables, each read once by DuckDB's own JSON reader (bundled in the wheel; nothing installed):

- `og_release`: one row per process (buyer, procedure, tender period, estimate);
- `og_party`: one row per party (its `id` and its `identifier`, the business number);
- `og_bid`: one row per bid and tenderer (status, date, amount, number of tenderers);
- `og_award`: one row per award and supplier (status, date, amount, number of suppliers);
- `og_award_class`: one row per awarded item's classification (with the award's supplier).

Organisations are keyed by `identifier.id` of the party an `id` refers to (the business number
統一編號), or by the `id` itself when the party has no identifier, so the same company is one
key across processes.
"""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

ORG = "STRUCT(id VARCHAR, name VARCHAR)"
VALUE = "STRUCT(amount DOUBLE, currency VARCHAR)"
RELEASE_COLUMNS = {
    "ocid": "VARCHAR",
    "date": "VARCHAR",
    "buyer": ORG,
    "parties": "STRUCT(id VARCHAR, name VARCHAR, identifier STRUCT(scheme VARCHAR, id VARCHAR))[]",
    "tender": (
        "STRUCT(id VARCHAR, status VARCHAR, procurementMethod VARCHAR, "
        "procurementMethodDetails VARCHAR, numberOfTenderers BIGINT, "
        f"tenderPeriod STRUCT(startDate VARCHAR, endDate VARCHAR), value {VALUE}, "
        f"procuringEntity {ORG})"
    ),
    "bids": (
        f"STRUCT(details STRUCT(id VARCHAR, date VARCHAR, status VARCHAR, value {VALUE}, "
        f"tenderers {ORG}[])[])"
    ),
    "awards": (
        f"STRUCT(id VARCHAR, status VARCHAR, date VARCHAR, value {VALUE}, suppliers {ORG}[], "
        "items STRUCT(id VARCHAR, classification STRUCT(scheme VARCHAR, id VARCHAR))[])[]"
    ),
}

TABLES = ("og_release", "og_party", "og_bid", "og_award", "og_award_class", "og_bidder_link")


def _columns_literal() -> str:
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in RELEASE_COLUMNS.items()) + "}"


def _ts(expr: str) -> str:
    return f"try_cast({expr} AS TIMESTAMPTZ)"


def load_compiled_releases(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """JSON Lines, one OCDS 1.1 compiled release per line (bids extension included) -> tables.

    Replaces the tables if they exist. A line without an `ocid` is skipped: the importer
    has already reported it.
    """
    path = Path(path)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE og_raw AS SELECT * FROM read_json(?, "
        f"format = 'newline_delimited', columns = {_columns_literal()}, "
        "maximum_object_size = 67108864) WHERE ocid IS NOT NULL",
        [str(path)],
    )
    _derive_tables(con)
    con.execute("DROP TABLE og_raw")
    if not _table_exists(con, "og_bidder_link"):
        load_bidder_links(con, ())


def _derive_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TABLE og_party AS
        SELECT ocid, p.id AS party_id, p.name AS name, p.identifier.scheme AS scheme,
               nullif(trim(p.identifier.id), '') AS identifier
        FROM (SELECT ocid, unnest(parties) AS p FROM og_raw)
        WHERE p.id IS NOT NULL;

        CREATE OR REPLACE TABLE og_release AS
        SELECT r.ocid, {_ts("r.date")} AS release_date,
               r.buyer.id AS buyer_id, r.buyer.name AS buyer_name,
               coalesce(bp.identifier, r.buyer.id) AS buyer_key,
               r.tender.procuringEntity.id AS procuring_entity_id,
               r.tender.status AS tender_status,
               r.tender.procurementMethod AS method,
               r.tender.procurementMethodDetails AS method_details,
               r.tender.numberOfTenderers AS declared_tenderers,
               {_ts("r.tender.tenderPeriod.startDate")} AS tender_start,
               {_ts("r.tender.tenderPeriod.endDate")} AS tender_end,
               r.tender.value.amount AS estimate_amount,
               r.tender.value.currency AS estimate_currency,
               r.bids.details IS NOT NULL AS has_bids,
               r.awards IS NOT NULL AS has_awards
        FROM og_raw r
        LEFT JOIN og_party bp ON bp.ocid = r.ocid AND bp.party_id = r.buyer.id;

        CREATE OR REPLACE TABLE og_bid AS
        WITH b AS (
            SELECT ocid, generate_subscripts(bids.details, 1) AS bid_index,
                   unnest(bids.details) AS bid
            FROM og_raw WHERE len(bids.details) > 0
        ), t AS (
            SELECT ocid, bid_index, bid.id AS bid_id, bid.status AS status,
                   {_ts("bid.date")} AS bid_date, bid.value.amount AS amount,
                   bid.value.currency AS currency,
                   len(bid.tenderers) AS tenderer_count,
                   unnest(CASE WHEN len(bid.tenderers) > 0 THEN bid.tenderers
                               ELSE [NULL::{ORG}] END) AS tenderer
            FROM b
        )
        SELECT t.ocid, bid_index, bid_id, status, bid_date, amount, currency,
               coalesce(tenderer_count, 0) AS tenderer_count,
               tenderer.id AS tenderer_id, tenderer.name AS tenderer_name,
               coalesce(p.identifier, tenderer.id) AS tenderer_key
        FROM t
        LEFT JOIN og_party p ON p.ocid = t.ocid AND p.party_id = t.tenderer.id;

        CREATE OR REPLACE TABLE og_award AS
        WITH a AS (
            SELECT ocid, generate_subscripts(awards, 1) AS award_index, unnest(awards) AS award
            FROM og_raw WHERE len(awards) > 0
        ), s AS (
            SELECT ocid, award_index, award.id AS award_id, award.status AS status,
                   {_ts("award.date")} AS award_date, award.value.amount AS amount,
                   award.value.currency AS currency,
                   len(award.suppliers) AS supplier_count,
                   unnest(CASE WHEN len(award.suppliers) > 0 THEN award.suppliers
                               ELSE [NULL::{ORG}] END) AS supplier
            FROM a
        )
        SELECT s.ocid, award_index, award_id, status, award_date, amount, currency,
               coalesce(supplier_count, 0) AS supplier_count,
               supplier.id AS supplier_id, supplier.name AS supplier_name,
               coalesce(p.identifier, supplier.id) AS supplier_key
        FROM s
        LEFT JOIN og_party p ON p.ocid = s.ocid AND p.party_id = s.supplier.id;

        CREATE OR REPLACE TABLE og_award_class AS
        WITH a AS (
            SELECT ocid, generate_subscripts(awards, 1) AS award_index, unnest(awards) AS award
            FROM og_raw WHERE len(awards) > 0
        ), i AS (
            SELECT ocid, award_index, unnest(award.items) AS item FROM a
            WHERE len(award.items) > 0
        )
        SELECT ocid, award_index, item.classification.id AS classification_id
        FROM i WHERE item.classification.id IS NOT NULL;
        """
    )


def load_bidder_links(
    con: duckdb.DuckDBPyConnection, rows: Iterable[tuple[str, str, str, str]]
) -> None:
    """(business_number_a, business_number_b, kind, shared_value), kind in
    address|phone|representative|director. Replaces the table; each link is kept once."""
    con.execute(
        "CREATE OR REPLACE TABLE og_bidder_link (business_number_a VARCHAR NOT NULL, "
        "business_number_b VARCHAR NOT NULL, kind VARCHAR NOT NULL, shared_value VARCHAR)"
    )
    columns: tuple[list, list, list, list] = ([], [], [], [])
    for row in rows:
        a, b, kind, shared = row
        for column, value in zip(columns, (a, b, kind, shared), strict=True):
            column.append(None if value is None else str(value))
    if columns[0]:
        # four lists as parameters, unnested side by side: one statement, however many rows
        con.execute(
            "INSERT INTO og_bidder_link SELECT unnest($a), unnest($b), unnest($k), unnest($v)",
            {"a": columns[0], "b": columns[1], "k": columns[2], "v": columns[3]},
        )


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()[0]
    )
