"""R028 identical bid prices (Cardinal)."""

# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag, price_scope


def query(rules) -> str:
    scope = price_scope(rules, "b")
    return f"""
    WITH bids AS (
        SELECT * FROM fl_submitted_set b
        WHERE amount IS NOT NULL AND currency IS NOT NULL AND len(tenderers) > 0 {scope}
    ), repeated AS (
        -- cheap first: processes where some amount appears twice
        SELECT ocid FROM bids GROUP BY ocid
        HAVING count(*) > 1 AND len(list_distinct(list(amount))) < count(*)
    ), candidates AS (
        -- one price, at least two different sets of tenderers
        SELECT b.ocid, b.amount, b.currency FROM bids b SEMI JOIN repeated r USING (ocid)
        GROUP BY b.ocid, b.amount, b.currency HAVING min(b.tenderers) <> max(b.tenderers)
    ), same_price AS (
        SELECT b.ocid, b.amount, b.currency,
               list({{bid_id: b.bid_id, tenderers: b.tenderers}} ORDER BY b.bid_index) AS bids,
               list_sort(list_distinct(flatten(list(b.tenderers)))) AS tenderers
        FROM fl_submitted_set b JOIN candidates c USING (ocid, amount, currency)
        WHERE len(b.tenderers) > 0
        GROUP BY b.ocid, b.amount, b.currency
    ), per_process AS MATERIALIZED (
        SELECT ocid, list({{amount: amount, currency: currency, bids: bids}}
                          ORDER BY amount, currency) AS prices,
               list_sort(list_distinct(flatten(list(tenderers)))) AS tenderers
        FROM same_price GROUP BY ocid
    )
    SELECT ocid, 'process', ocid, to_json({{identical_prices: prices, tenderers: tenderers}})
    FROM per_process
    UNION ALL
    SELECT ocid, 'tenderer', tenderer, to_json({{identical_prices: prices}})
    FROM (SELECT ocid, prices, unnest(tenderers) AS tenderer FROM per_process)
    ORDER BY 1, 2, 3
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="R028",
        title=_("Identical bid prices"),
        definition=_(
            "Different tenderers submitted bids with the same price (amount and currency) in "
            "one process. These tenderers are flagged too. Procedures whose prices the buyer "
            "predetermines are left out."
        ),
        source=CARDINAL.format(code="R028"),
        subject="process",
        thresholds=("no_price_comparison_method_details",),
    ),
    query=query,
)
