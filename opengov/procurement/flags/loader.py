"""Loading compiled releases and bidder links into the analytics tables the flags query.

One OCDS 1.1 compiled release per line (the bids extension included) is read once by DuckDB's
own JSON reader (bundled in the wheel; nothing is installed) and becomes rows of five tables:

- `og_release`: one row per process (buyer, procedure, tender period, estimate);
- `og_bid`: one row per bid and tenderer (status, date, amount, number of tenderers), and
  `og_bid_set`: one row per bid with its tenderers as a sorted list;
- `og_award`: one row per award and supplier (status, date, amount, number of suppliers);
- `og_award_class`: one row per awarded item's classification.

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
# amounts and counts are read as text and cast with try_cast: "308,100元" becomes NULL
VALUE = "STRUCT(amount VARCHAR, currency VARCHAR)"
RELEASE_COLUMNS = {
    "ocid": "VARCHAR",
    "date": "VARCHAR",
    "buyer": ORG,
    "parties": "STRUCT(id VARCHAR, name VARCHAR, identifier STRUCT(scheme VARCHAR, id VARCHAR))[]",
    "tender": (
        "STRUCT(id VARCHAR, status VARCHAR, procurementMethod VARCHAR, "
        "procurementMethodDetails VARCHAR, numberOfTenderers VARCHAR, "
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

TABLES = (
    "og_release",
    "og_bid",
    "og_bid_set",
    "og_award",
    "og_award_class",
    "og_bidder_link",
)


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
    read = (
        "CREATE OR REPLACE TEMP TABLE og_raw AS SELECT * FROM read_json(?, "
        f"format = 'newline_delimited', columns = {_columns_literal()}, "
        "maximum_object_size = 67108864 OPTIONS) WHERE ocid IS NOT NULL"
    )
    try:
        con.execute(read.replace(" OPTIONS", ""), [str(path)])
    except duckdb.InvalidInputException:
        # a line whose shape is not OCDS (an object where text is expected, …): skip such
        # lines and keep the others; the importer has already reported them
        con.execute(read.replace(" OPTIONS", ", ignore_errors = true"), [str(path)])
    _derive_tables(con)
    con.execute("DROP TABLE og_raw")
    if not _table_exists(con, "og_bidder_link"):
        load_bidder_links(con, ())


def _key(ref: str) -> str:
    """SQL for an organisation reference's key: its party's identifier.id, else its id."""
    return (
        f"coalesce(nullif(trim(list_filter(parties, lambda p: p.id = {ref}.id)[1]"
        f".identifier.id), ''), {ref}.id)"
    )


def _derive_tables(con: duckdb.DuckDBPyConnection) -> None:
    # organisation keys are looked up in the release's own parties list (a few entries), so
    # no join over all parties is needed
    con.execute(
        f"""
        CREATE OR REPLACE TABLE og_release AS
        SELECT r.ocid, {_ts("r.date")} AS release_date,
               r.buyer.id AS buyer_id, r.buyer.name AS buyer_name,
               CASE WHEN r.buyer.id IS NOT NULL THEN {_key("r.buyer")} END AS buyer_key,
               r.tender.procuringEntity.id AS procuring_entity_id,
               r.tender.status AS tender_status,
               r.tender.procurementMethod AS method,
               r.tender.procurementMethodDetails AS method_details,
               try_cast(r.tender.numberOfTenderers AS BIGINT) AS declared_tenderers,
               {_ts("r.tender.tenderPeriod.startDate")} AS tender_start,
               {_ts("r.tender.tenderPeriod.endDate")} AS tender_end,
               try_cast(r.tender.value.amount AS DOUBLE) AS estimate_amount,
               r.tender.value.currency AS estimate_currency,
               r.bids.details IS NOT NULL AS has_bids,
               r.awards IS NOT NULL AS has_awards
        FROM og_raw r;

        -- one row per bid: its tenderers (id, name, key) and their keys as a sorted list
        CREATE OR REPLACE TABLE og_bid_set AS
        WITH b AS (
            SELECT ocid,
                   unnest(list_transform(bids.details, lambda bid: {{
                       bid: bid,
                       tenderers: list_transform(bid.tenderers, lambda t: {{
                           id: t.id, name: t.name, key: {_key("t")}}})
                   }})) AS x,
                   generate_subscripts(bids.details, 1) AS bid_index
            FROM og_raw WHERE len(bids.details) > 0
        )
        SELECT ocid, bid_index, x.bid.id AS bid_id, x.bid.status AS status,
               {_ts("x.bid.date")} AS bid_date, try_cast(x.bid.value.amount AS DOUBLE) AS amount,
               x.bid.value.currency AS currency,
               coalesce(len(x.tenderers), 0) AS tenderer_count,
               list_sort(list_filter(list_transform(x.tenderers, lambda t: t.key),
                                     lambda k: k IS NOT NULL)) AS tenderers,
               x.tenderers AS tenderer_list
        FROM b;

        CREATE OR REPLACE TABLE og_bid AS
        SELECT ocid, bid_index, bid_id, status, bid_date, amount, currency, tenderer_count,
               t.id AS tenderer_id, t.name AS tenderer_name, t.key AS tenderer_key
        FROM (SELECT *, unnest(CASE WHEN tenderer_count > 0 THEN tenderer_list
                                    ELSE [NULL] END) AS t
              FROM og_bid_set);

        CREATE OR REPLACE TABLE og_award AS
        WITH a AS (
            SELECT ocid,
                   unnest(list_transform(awards, lambda award: {{
                       award: award,
                       suppliers: list_transform(award.suppliers, lambda s: {{
                           id: s.id, name: s.name, key: {_key("s")}}})
                   }})) AS x,
                   generate_subscripts(awards, 1) AS award_index
            FROM og_raw WHERE len(awards) > 0
        ), s AS (
            SELECT ocid, award_index, x.award.id AS award_id, x.award.status AS status,
                   {_ts("x.award.date")} AS award_date,
                   try_cast(x.award.value.amount AS DOUBLE) AS amount,
                   x.award.value.currency AS currency,
                   coalesce(len(x.suppliers), 0) AS supplier_count,
                   unnest(CASE WHEN len(x.suppliers) > 0 THEN x.suppliers ELSE [NULL] END)
                       AS supplier
            FROM a
        )
        SELECT ocid, award_index, award_id, status, award_date, amount, currency,
               supplier_count, supplier.id AS supplier_id, supplier.name AS supplier_name,
               supplier.key AS supplier_key
        FROM s;

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
