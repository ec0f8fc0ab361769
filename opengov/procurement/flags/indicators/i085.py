"""i085 bids an exact percentage apart (DevGateway, OCP guide)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import DEVGATEWAY, FlagDefinition, SqlFlag, price_scope, sql_number


def query(rules) -> str:
    tolerance = sql_number(float(rules.i085_tolerance_percent))
    scope = price_scope(rules, "b")
    return f"""
    WITH bids AS MATERIALIZED (
        SELECT b.ocid, b.bid_index, b.bid_id, b.amount, b.currency, b.tenderers
        FROM fl_submitted_set b
        WHERE b.amount > 0 AND b.currency IS NOT NULL AND len(b.tenderers) > 0 {scope}
    ), pairs AS (
        SELECT lo.ocid, lo.currency, lo.bid_id AS lower_bid, lo.tenderers AS lower_tenderers,
               lo.amount AS lower_amount, hi.bid_id AS higher_bid,
               hi.tenderers AS higher_tenderers, hi.amount AS higher_amount,
               (hi.amount - lo.amount) * 100 / lo.amount AS percent
        FROM bids lo
        JOIN bids hi ON hi.ocid = lo.ocid AND hi.currency = lo.currency
                    AND hi.amount > lo.amount AND hi.tenderers <> lo.tenderers
    ), exact AS (
        SELECT *, round(percent)::BIGINT AS whole_percent FROM pairs
        WHERE round(percent) >= 1 AND abs(percent - round(percent)) <= {tolerance}
    )
    SELECT ocid, 'process', ocid, to_json({{
        pairs: list({{lower_bid: {{bid_id: lower_bid, tenderers: lower_tenderers,
                                   amount: lower_amount}},
                     higher_bid: {{bid_id: higher_bid, tenderers: higher_tenderers,
                                   amount: higher_amount}},
                     currency: currency, percent_apart: whole_percent}}
                    ORDER BY lower_amount, higher_amount),
        tolerance_percent: {tolerance}
    }})
    FROM exact GROUP BY ocid ORDER BY ocid
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="i085",
        title=_("Bids an exact percentage apart"),
        definition=_(
            "Two bids by different tenderers in one process are a whole percentage apart "
            "(the higher one is the lower one plus exactly 1 %, 2 %, …, within a rounding "
            "tolerance). Procedures whose prices the buyer predetermines are left out."
        ),
        source=DEVGATEWAY.format(code="i085"),
        subject="process",
        thresholds=("i085_tolerance_percent", "no_price_comparison_method_details"),
    ),
    query=query,
)
