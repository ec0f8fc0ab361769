"""R030 late bid won (Cardinal)."""

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag


def query(rules) -> str:
    return """
    WITH late AS (
        SELECT DISTINCT b.ocid, b.tenderer_key, b.bid_id, b.bid_date, r.tender_end
        FROM fl_bid b
        JOIN fl_release r ON r.ocid = b.ocid
        JOIN fl_award a ON a.ocid = b.ocid AND a.status = 'active'
                       AND a.supplier_key = b.tenderer_key
        WHERE b.status = 'valid' AND b.bid_date > r.tender_end
    ), per_process AS (
        SELECT ocid, any_value(tender_end) AS submission_deadline,
               list({bid_id: bid_id, tenderer: tenderer_key, received: bid_date}
                    ORDER BY bid_date, tenderer_key) AS late_bids,
               list(DISTINCT tenderer_key) AS tenderers
        FROM late GROUP BY ocid
    )
    SELECT ocid, 'process', ocid, to_json({
        submission_deadline: submission_deadline, late_winning_bids: late_bids})
    FROM per_process
    UNION ALL
    SELECT ocid, 'tenderer', tenderer_key, to_json({
        submission_deadline: any_value(tender_end), received: min(bid_date)})
    FROM late GROUP BY ocid, tenderer_key
    ORDER BY 1, 2, 3
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="R030",
        title=_("Late bid won"),
        definition=_(
            "A valid bid was received after the submission deadline "
            "(tender.tenderPeriod.endDate) and its tenderer is the supplier of an active "
            "award. The tenderer is flagged too."
        ),
        source=CARDINAL.format(code="R030"),
        subject="process",
        thresholds=(),
    ),
    query=query,
)
