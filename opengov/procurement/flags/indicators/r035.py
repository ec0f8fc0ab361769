"""R035 all except winning bid disqualified (Cardinal)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag, sql_number


def query(rules) -> str:
    threshold = sql_number(int(rules.r035_threshold))
    return f"""
    WITH candidates AS (
        -- processes with a disqualified bid and final awards
        SELECT f.ocid, any_value(f.active_suppliers) AS active_suppliers
        FROM fl_final f JOIN fl_bid b ON b.ocid = f.ocid AND b.status = 'disqualified'
        GROUP BY f.ocid
    ), sets AS (
        SELECT c.ocid, any_value(c.active_suppliers) AS active_suppliers,
               list_distinct(list(b.tenderer_key) FILTER (WHERE b.status = 'valid')) AS valid,
               list_distinct(list(b.tenderer_key) FILTER (WHERE b.status = 'disqualified'))
                   AS disqualified
        FROM candidates c JOIN fl_bid b ON b.ocid = c.ocid
        WHERE b.tenderer_key IS NOT NULL
        GROUP BY c.ocid
    ), p AS MATERIALIZED (
        SELECT ocid, valid[1] AS winner,
               list_sort(list_filter(coalesce(disqualified, []), lambda x: x <> valid[1]))
                   AS others
        FROM sets
        WHERE len(valid) = 1 AND len(active_suppliers) = 1 AND active_suppliers[1] = valid[1]
    )
    SELECT ocid, 'process', ocid, to_json({{
        winner: winner, disqualified_tenderers: others, count: len(others),
        threshold: {threshold}}})
    FROM p WHERE len(others) >= {threshold}
    UNION ALL
    SELECT ocid, 'tenderer', winner, to_json({{
        role: 'winner', disqualified_tenderers: len(others), threshold: {threshold}}})
    FROM p WHERE len(others) >= {threshold}
    ORDER BY 1, 2, 3
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="R035",
        title=_("All except winning bid disqualified"),
        definition=_(
            "Exactly one tenderer has valid bids, it is the supplier of every active award, "
            "and at least a threshold number of other tenderers had bids disqualified. The "
            "winner is flagged too. Processes with a pending award are left out."
        ),
        source=CARDINAL.format(code="R035"),
        subject="process",
        thresholds=("r035_threshold",),
    ),
    query=query,
)
