"""R028 identical bid prices (Cardinal)."""

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag


def query(rules) -> str:
    return """
    WITH bids AS (
        SELECT b.ocid, b.bid_index, any_value(b.bid_id) AS bid_id,
               any_value(b.amount) AS amount, any_value(b.currency) AS currency,
               list_sort(list(DISTINCT b.tenderer_key)) AS tenderers
        FROM fl_submitted b JOIN fl_release r ON r.ocid = b.ocid AND r.price_comparable
        WHERE b.amount IS NOT NULL AND b.currency IS NOT NULL AND b.tenderer_key IS NOT NULL
        GROUP BY b.ocid, b.bid_index
    ), same_price AS (
        SELECT ocid, amount, currency,
               list({bid_id: bid_id, tenderers: tenderers} ORDER BY bid_index) AS bids,
               list_sort(list_distinct(flatten(list(tenderers)))) AS tenderers
        FROM bids GROUP BY ocid, amount, currency
        HAVING count(DISTINCT tenderers) > 1
    ), per_process AS (
        SELECT ocid, list({amount: amount, currency: currency, bids: bids}
                          ORDER BY amount) AS prices,
               list_sort(list_distinct(flatten(list(tenderers)))) AS tenderers
        FROM same_price GROUP BY ocid
    )
    SELECT ocid, 'process', ocid, to_json({identical_prices: prices, tenderers: tenderers})
    FROM per_process
    UNION ALL
    SELECT ocid, 'tenderer', tenderer, to_json({identical_prices: prices})
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
