"""Repeated awards from one buyer to one supplier within a period (i077, i180)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number


def repeated_awards_query(
    *, window_days: int, minimum: int, method_filter: str, settings: str
) -> str:
    """Buyer–supplier pairs with at least `minimum` active awards within `window_days`.

    The awards counted are active awards (dated by the award, or else the release) of processes
    matching `method_filter` (SQL over `r`). One hit per pair, with the awards of the first
    period (ending at an award) that holds enough of them as evidence. `settings` is a SQL
    struct body added to the evidence.
    """
    return f"""
    WITH awards AS (
        SELECT DISTINCT r.buyer_key, a.supplier_key, a.ocid, a.award_id,
               coalesce(a.award_date, r.release_date) AS day, a.amount, a.currency,
               r.method
        FROM fl_award a JOIN fl_release r USING (ocid)
        WHERE a.status = 'active' AND a.supplier_key IS NOT NULL AND r.buyer_key IS NOT NULL
          AND coalesce(a.award_date, r.release_date) IS NOT NULL AND ({method_filter})
    ), pairs AS (
        -- only pairs with enough awards in all can have enough in one period
        SELECT buyer_key, supplier_key FROM awards
        GROUP BY buyer_key, supplier_key HAVING count(*) >= {minimum}
    ), windows AS (
        -- the award `minimum - 1` places earlier: within the period, the period holds enough
        SELECT a.buyer_key, a.supplier_key, a.day,
               lag(a.day, {minimum - 1}) OVER (
                   PARTITION BY a.buyer_key, a.supplier_key ORDER BY a.day, a.ocid, a.award_id
               ) AS earlier
        FROM awards a SEMI JOIN pairs p USING (buyer_key, supplier_key)
    ), busiest AS (
        -- the first period that holds enough awards, ending at its last award
        SELECT buyer_key, supplier_key, min(day) AS window_end
        FROM windows WHERE day - earlier <= INTERVAL ({window_days}) DAYS
        GROUP BY buyer_key, supplier_key
    )
    SELECT NULL, 'supplier', b.supplier_key, to_json({{
        buyer: b.buyer_key, awards_in_window: count(*),
        window_start: b.window_end - INTERVAL ({window_days}) DAYS, window_end: b.window_end,
        window_days: {window_days}, minimum_awards: {minimum},
        awards: list({{ocid: a.ocid, award_id: a.award_id, date: a.day, amount: a.amount,
                      currency: a.currency, procurement_method: a.method}}
                     ORDER BY a.day, a.ocid),
        {settings}
    }})
    FROM busiest b
    JOIN awards a ON a.buyer_key = b.buyer_key AND a.supplier_key = b.supplier_key
                 AND a.day BETWEEN b.window_end - INTERVAL ({window_days}) DAYS AND b.window_end
    GROUP BY b.buyer_key, b.supplier_key, b.window_end
    ORDER BY 3, b.buyer_key
    """
