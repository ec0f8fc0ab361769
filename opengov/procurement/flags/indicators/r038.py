"""R038 excessive disqualified bids (Cardinal), per buyer and per tenderer."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag, fence_sql, sql_number


def query(rules) -> str:
    threshold = rules.r038_threshold
    min_bids = sql_number(int(rules.r038_minimum_submitted_bids))
    min_processes = sql_number(int(rules.r038_minimum_contracting_processes))
    fence_from = "threshold" if threshold is not None else "quartiles"

    def flagged(group: str, table: str, minimum_column: str, minimum: str) -> str:
        return f"""
        SELECT '{group}' AS grp, g.*, f.q1, f.q3, f.fence, f.population, {minimum} AS minimum
        FROM {table} g,
             (SELECT {fence_sql("v", side="upper", threshold=threshold)}
              FROM (SELECT list_sort(list(ratio)) AS v FROM {table}
                    WHERE {minimum_column} >= {minimum})) f
        WHERE g.{minimum_column} >= {minimum} AND f.fence > 0 AND g.ratio >= f.fence
        """

    return f"""
    WITH per_process AS MATERIALIZED (
        -- one row per submitted bid (a bid by several tenderers counts once for the buyer)
        SELECT r.ocid, r.buyer_key, count(*) AS submitted,
               count(*) FILTER (WHERE b.status = 'disqualified') AS disqualified
        FROM fl_submitted_set b JOIN fl_release r USING (ocid)
        WHERE r.buyer_key IS NOT NULL GROUP BY r.ocid, r.buyer_key
    ), buyers AS (
        SELECT buyer_key AS key, sum(submitted) AS submitted, sum(disqualified) AS disqualified,
               sum(disqualified) / sum(submitted) AS ratio, count(*) AS processes
        FROM per_process GROUP BY buyer_key
    ), tenderers AS (
        SELECT tenderer_key AS key, count(*) AS submitted,
               count(*) FILTER (WHERE status = 'disqualified') AS disqualified,
               count(*) FILTER (WHERE status = 'disqualified') / count(*) AS ratio,
               NULL::BIGINT AS processes
        FROM fl_submitted WHERE tenderer_key IS NOT NULL GROUP BY tenderer_key
    ), flagged AS MATERIALIZED (
        {flagged("buyer", "buyers", "processes", min_processes)}
        UNION ALL
        {flagged("tenderer", "tenderers", "submitted", min_bids)}
    ), ocids AS (
        SELECT 'buyer' AS grp, p.buyer_key AS key, list(p.ocid ORDER BY p.ocid) AS ocids
        FROM per_process p JOIN flagged f ON f.grp = 'buyer' AND f.key = p.buyer_key
        WHERE p.disqualified > 0 GROUP BY p.buyer_key
        UNION ALL
        SELECT 'tenderer', b.tenderer_key, list(DISTINCT b.ocid ORDER BY b.ocid)
        FROM fl_submitted b JOIN flagged f ON f.grp = 'tenderer' AND f.key = b.tenderer_key
        WHERE b.status = 'disqualified' GROUP BY b.tenderer_key
    )
    SELECT NULL, f.grp, f.key, to_json({{
        counted_per: f.grp, submitted_bids: f.submitted, disqualified_bids: f.disqualified,
        ratio: f.ratio, processes: f.processes, q1: f.q1, q3: f.q3,
        upper_fence: f.fence, fence_from: '{fence_from}', compared: f.population,
        minimum: f.minimum, ocids_with_disqualified_bids: o.ocids
    }})
    FROM flagged f LEFT JOIN ocids o USING (grp, key)
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
