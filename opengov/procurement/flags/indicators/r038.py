"""R038 excessive disqualified bids (Cardinal), per buyer and per tenderer."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag, fence_sql, sql_number


def query(rules) -> str:
    threshold = rules.r038_threshold
    min_bids = sql_number(int(rules.r038_minimum_submitted_bids))
    min_processes = sql_number(int(rules.r038_minimum_contracting_processes))
    fence_from = "threshold" if threshold is not None else "quartiles"

    def flagged(group: str, subject: str, table: str, minimum_column: str, minimum: str) -> str:
        return f"""
        SELECT NULL AS ocid, '{subject}' AS subject, g.key AS subject_id, to_json({{
            counted_per: '{group}', submitted_bids: g.submitted, disqualified_bids: g.disqualified,
            ratio: g.ratio, processes: g.processes, q1: f.q1, q3: f.q3,
            upper_fence: f.fence, fence_from: '{fence_from}', compared: f.population,
            minimum: {minimum}, ocids_with_disqualified_bids: g.ocids
        }}) AS evidence
        FROM {table} g,
             (SELECT {fence_sql("v", side="upper", threshold=threshold)}
              FROM (SELECT list_sort(list(ratio)) AS v FROM {table}
                    WHERE {minimum_column} >= {minimum})) f
        WHERE g.{minimum_column} >= {minimum} AND f.fence > 0 AND g.ratio >= f.fence
        """

    return f"""
    WITH bids AS (
        -- one row per submitted bid (a bid by several tenderers counts once for the buyer)
        SELECT ocid, bid_index, any_value(status) = 'disqualified' AS disqualified
        FROM fl_submitted GROUP BY ocid, bid_index
    ), per_process AS (
        SELECT r.ocid, r.buyer_key, count(*) AS submitted,
               count(*) FILTER (WHERE b.disqualified) AS disqualified
        FROM bids b JOIN fl_release r USING (ocid)
        WHERE r.buyer_key IS NOT NULL GROUP BY r.ocid, r.buyer_key
    ), buyers AS (
        SELECT buyer_key AS key, sum(submitted) AS submitted, sum(disqualified) AS disqualified,
               sum(disqualified) / sum(submitted) AS ratio, count(*) AS processes,
               list(ocid ORDER BY ocid) FILTER (WHERE disqualified > 0) AS ocids
        FROM per_process GROUP BY buyer_key
    ), tenderers AS (
        SELECT tenderer_key AS key, count(*) AS submitted,
               count(*) FILTER (WHERE status = 'disqualified') AS disqualified,
               count(*) FILTER (WHERE status = 'disqualified') / count(*) AS ratio,
               count(DISTINCT ocid) AS processes,
               list(DISTINCT ocid) FILTER (WHERE status = 'disqualified') AS ocids
        FROM fl_submitted WHERE tenderer_key IS NOT NULL GROUP BY tenderer_key
    )
    {flagged("buyer", "buyer", "buyers", "processes", min_processes)}
    UNION ALL
    {flagged("tenderer", "tenderer", "tenderers", "submitted", min_bids)}
    ORDER BY 2, 3
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="R038",
        title=_("Excessive disqualified bids"),
        definition=_(
            "The share of submitted bids that were disqualified is at or above the upper "
            "fence Q3 + 1.5·IQR (or a fixed threshold), computed over buyers (those with at "
            "least 2 processes) and over tenderers (those with at least 2 submitted bids)."
        ),
        source=CARDINAL.format(code="R038"),
        subject="buyer",
        thresholds=(
            "r038_threshold",
            "r038_minimum_submitted_bids",
            "r038_minimum_contracting_processes",
        ),
    ),
    query=query,
)
