"""R036 lowest bid disqualified (Cardinal)."""

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag


def query(rules) -> str:
    return """
    WITH bids AS (
        SELECT b.ocid, b.bid_index, any_value(b.bid_id) AS bid_id, any_value(b.status) AS status,
               any_value(b.amount) AS amount, any_value(b.currency) AS currency,
               list_sort(list(DISTINCT b.tenderer_key) FILTER (
                   WHERE b.tenderer_key IS NOT NULL)) AS tenderers
        FROM fl_submitted b
        JOIN fl_release r ON r.ocid = b.ocid AND r.price_comparable
        WHERE b.amount IS NOT NULL AND b.currency IS NOT NULL
          AND b.ocid IN (SELECT ocid FROM fl_award WHERE status = 'active')
        GROUP BY b.ocid, b.bid_index
    ), per_currency AS (
        SELECT ocid, currency,
               arg_min({bid_id: bid_id, tenderers: tenderers, amount: amount, status: status},
                       (amount, bid_index)) AS lowest_bid,
               arg_min({bid_id: bid_id, tenderers: tenderers, amount: amount},
                       (amount, bid_index)) FILTER (WHERE status = 'valid') AS lowest_valid_bid
        FROM bids GROUP BY ocid, currency
    )
    SELECT ocid, 'process', ocid, to_json({
        currency: currency, lowest_bid: lowest_bid, lowest_valid_bid: lowest_valid_bid})
    FROM per_currency
    WHERE lowest_valid_bid IS NOT NULL AND lowest_bid.status = 'disqualified'
    ORDER BY ocid, currency
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
