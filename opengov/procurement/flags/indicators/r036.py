"""R036 lowest bid disqualified (Cardinal)."""

# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag, price_scope


def query(rules) -> str:
    scope = price_scope(rules, "b")
    return f"""
    WITH bids AS (
        SELECT b.* FROM fl_submitted_set b
        WHERE b.amount IS NOT NULL AND b.currency IS NOT NULL {scope}
    ), candidates AS (
        -- cheap aggregates first: a disqualified bid at the lowest amount, and a valid bid
        SELECT ocid, currency FROM bids
        GROUP BY ocid, currency
        HAVING min(amount) FILTER (WHERE status = 'disqualified') = min(amount)
           AND bool_or(status = 'valid')
    ), per_currency AS (
        -- among equal lowest amounts, the first bid counts (as Cardinal reads them in order)
        SELECT b.ocid, b.currency, arg_min(b.status, (b.amount, b.bid_index)) AS lowest_status
        FROM bids b JOIN candidates c USING (ocid, currency)
        WHERE b.ocid IN (SELECT ocid FROM fl_award WHERE status = 'active')
        GROUP BY b.ocid, b.currency
    ), flagged AS (
        SELECT ocid, currency FROM per_currency WHERE lowest_status = 'disqualified'
    )
    SELECT b.ocid, 'process', b.ocid, to_json({{
        currency: b.currency,
        lowest_bid: arg_min({{bid_id: b.bid_id, tenderers: b.tenderers, amount: b.amount,
                              status: b.status}}, (b.amount, b.bid_index)),
        lowest_valid_bid: arg_min({{bid_id: b.bid_id, tenderers: b.tenderers,
                                    amount: b.amount}}, (b.amount, b.bid_index))
                          FILTER (WHERE b.status = 'valid')
    }})
    FROM bids b JOIN flagged f USING (ocid, currency)
    GROUP BY b.ocid, b.currency
    ORDER BY b.ocid, b.currency
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="R036",
        title=_("Lowest bid disqualified"),
        definition=_(
            "The process has an active award and a valid bid with an amount, and its lowest "
            "submitted bid (compared within one currency) was disqualified. Procedures whose "
            "prices the buyer predetermines are left out."
        ),
        source=CARDINAL.format(code="R036"),
        subject="process",
        thresholds=("no_price_comparison_method_details",),
    ),
    query=query,
)
