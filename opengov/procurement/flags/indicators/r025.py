"""R025 excessive unsuccessful bids (Cardinal)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag, fence_sql, quartile_sql, sql_number


def query(rules) -> str:
    percentile = sql_number(int(rules.r025_percentile))
    threshold = rules.r025_threshold
    guard = "lower_fence > 0" if threshold is not None else "q1 > 0 AND lower_fence > 0"
    fence_from = "threshold" if threshold is not None else "quartiles"
    return f"""
    WITH per_process AS (
        -- each tenderer once per process: a valid bid of its own (one tenderer on the bid)
        SELECT b.ocid, b.tenderer_key, bool_or(b.tenderer_key = f.winner_key) AS won
        FROM fl_final f JOIN fl_bid b ON b.ocid = f.ocid
        WHERE f.winner_key IS NOT NULL AND b.status = 'valid' AND b.tenderer_count = 1
          AND b.tenderer_key IS NOT NULL
        GROUP BY b.ocid, b.tenderer_key
    ), tenderers AS MATERIALIZED (
        SELECT tenderer_key, count(*) AS valid_bids, count(*) FILTER (WHERE won) AS winning_bids,
               count(*) FILTER (WHERE won) / count(*) AS ratio
        FROM per_process GROUP BY tenderer_key
    ), fences AS (
        SELECT ({quartile_sql("counts", f"{percentile} / 100")}) AS bids_upper_fence,
               q1, q3, fence AS lower_fence, population
        FROM (SELECT list_sort(list(valid_bids::DOUBLE)) AS counts,
                     list_sort(list(ratio)) AS v FROM tenderers),
             LATERAL (SELECT {fence_sql("v", side="lower", threshold=threshold)})
    ), flagged AS (
        SELECT t.*, f.* FROM tenderers t, fences f
        WHERE {guard} AND t.valid_bids >= f.bids_upper_fence AND t.ratio <= f.lower_fence
    ), ocids AS (
        SELECT p.tenderer_key, list(p.ocid ORDER BY p.ocid) AS ocids
        FROM per_process p JOIN flagged USING (tenderer_key) GROUP BY p.tenderer_key
    )
    SELECT NULL, 'tenderer', t.tenderer_key, to_json({{
        valid_bids: t.valid_bids, winning_bids: t.winning_bids, ratio: t.ratio,
        percentile: {percentile}, bids_upper_fence: t.bids_upper_fence,
        q1: t.q1, q3: t.q3, lower_fence: t.lower_fence, fence_from: '{fence_from}',
        tenderers_compared: t.population, ocids: o.ocids
    }})
    FROM flagged t JOIN ocids o USING (tenderer_key)
    ORDER BY t.tenderer_key
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="R025",
        title=_("Excessive unsuccessful bids"),
        definition=_(
            "A top tenderer (its number of valid bids at or above the 75th percentile of all "
            "tenderers') wins a share of its valid bids at or below the lower fence "
            "Q1 − 1.5·IQR of all tenderers' shares (or a fixed threshold). Processes with a "
            "pending award, several active awards or an award to several suppliers are left "
            "out."
        ),
        source=CARDINAL.format(code="R025"),
        subject="tenderer",
        thresholds=("r025_percentile", "r025_threshold"),
    ),
    query=query,
)
