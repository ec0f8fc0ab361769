"""The difference between the winning bid and the second-lowest valid bid (R024, R058).

Cardinal's definition: in processes whose awards are all final, with exactly one active award
to exactly one supplier, no valid bid by several tenderers and prices that may be compared,
the difference is (second-lowest valid bid − winning bid) / winning bid, where the winning
bid is the supplier's lowest valid bid and the second-lowest is the lowest valid bid of
another tenderer in the same currency. Processes whose lowest bid did not win are left out
(the award criteria were not price only).
"""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from dataclasses import dataclass

from ..base import FlagHit, SqlFlag, fence_sql

PRICE_RATIO_SQL = """
WITH pr_multi AS (
    SELECT DISTINCT ocid FROM fl_bid WHERE status = 'valid' AND tenderer_count > 1
), pr_bids AS (
    SELECT f.ocid, f.winner_key, b.bid_id, b.tenderer_key, b.amount, b.currency
    FROM fl_final f JOIN fl_bid b ON b.ocid = f.ocid
    WHERE f.winner_key IS NOT NULL AND f.price_comparable
      AND b.status = 'valid' AND b.tenderer_count = 1 AND b.amount IS NOT NULL
      AND b.currency IS NOT NULL AND b.tenderer_key IS NOT NULL
      AND f.ocid NOT IN (SELECT ocid FROM pr_multi)
), pr_currency AS (
    -- per currency: the winner's lowest valid bid and the lowest valid bid of another
    SELECT ocid, currency, any_value(winner_key) AS winner_key,
           min(amount) FILTER (WHERE tenderer_key = winner_key) AS winner_amount,
           arg_min(bid_id, amount) FILTER (WHERE tenderer_key = winner_key) AS winner_bid,
           min(amount) FILTER (WHERE tenderer_key <> winner_key) AS second_amount,
           arg_min(bid_id, amount) FILTER (WHERE tenderer_key <> winner_key) AS second_bid,
           arg_min(tenderer_key, amount) FILTER (WHERE tenderer_key <> winner_key)
               AS second_key
    FROM pr_bids GROUP BY ocid, currency
), pr_pair AS (
    -- the winner's lowest bid fixes the currency compared
    SELECT ocid, arg_min(pr_currency, winner_amount) AS p FROM pr_currency
    WHERE winner_amount IS NOT NULL GROUP BY ocid
)
SELECT ocid, p.winner_key, p.winner_bid, p.winner_amount, p.currency, p.second_key,
       p.second_bid, p.second_amount,
       (p.second_amount - p.winner_amount) / p.winner_amount AS difference
FROM pr_pair
WHERE p.winner_amount > 0 AND p.second_amount >= p.winner_amount
"""

CACHE = "fl_cache_price_ratio"


def ensure_price_ratio(con, rules) -> None:
    """Compute the differences once per run (R024 and R058 both read them)."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [CACHE]
    ).fetchone()[0]
    if not exists:
        con.execute(f"CREATE TEMP TABLE {CACHE} AS {PRICE_RATIO_SQL}")


def price_flag_query(*, side: str, threshold: float | None, tenderers: str) -> str:
    """Processes whose difference is at or beyond the fence, and their flagged tenderers.

    `tenderers`: "both" flags the winner and the second-lowest bidder, "winner" the winner.
    """
    if side == "lower":
        beyond = "difference <= fence"
        guard = "fence > 0" if threshold is not None else "q1 > 0 AND fence > 0"
        fence_name = "lower_fence"
    else:
        beyond = "difference >= fence"
        guard = "fence > 0"
        fence_name = "upper_fence"
    fence_from = "threshold" if threshold is not None else "quartiles"
    tenderer_rows = "SELECT ocid, winner_key AS key FROM flagged"
    if tenderers == "both":
        tenderer_rows += " UNION ALL SELECT ocid, second_key FROM flagged"
    return f"""
    WITH pr_ratio AS (SELECT * FROM {CACHE}),
    pr_fence AS (
        SELECT {fence_sql("v", side=side, threshold=threshold)}
        FROM (SELECT list_sort(list(difference)) AS v FROM pr_ratio)
    ), flagged AS (
        SELECT r.*, f.* FROM pr_ratio r, pr_fence f WHERE {guard} AND {beyond}
    )
    SELECT ocid, 'process', ocid, to_json({{
        difference: difference, currency: currency,
        winning_bid: {{bid_id: winner_bid, tenderer: winner_key, amount: winner_amount}},
        second_lowest_valid_bid: {{bid_id: second_bid, tenderer: second_key,
                                   amount: second_amount}},
        q1: q1, q3: q3, {fence_name}: fence, fence_from: '{fence_from}',
        processes_compared: population
    }}) FROM flagged
    UNION ALL
    SELECT t.ocid, 'tenderer', t.key, to_json({{
        role: CASE WHEN t.key = f.winner_key THEN 'winner' ELSE 'second_lowest' END,
        difference: f.difference, {fence_name}: f.fence
    }})
    FROM ({tenderer_rows}) t JOIN flagged f USING (ocid)
    ORDER BY 1, 2, 3
    """


@dataclass(frozen=True)
class PriceFlag(SqlFlag):
    """A flag over the differences, which are computed once per run for all such flags."""

    def hits(self, con, rules) -> list[FlagHit]:
        ensure_price_ratio(con, rules)
        return super().hits(con, rules)
