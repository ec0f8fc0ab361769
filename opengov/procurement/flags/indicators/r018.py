"""R018 single bid received (Cardinal)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag, sql_list


def query(rules) -> str:
    methods = sql_list(rules.r018_procurement_methods)
    return f"""
    WITH counted AS (
        SELECT ocid, count(DISTINCT tenderer_key) AS tenderers,
               list(DISTINCT tenderer_key) AS tenderer_keys
        FROM fl_submitted WHERE tenderer_key IS NOT NULL GROUP BY ocid
    ), p AS (
        SELECT r.ocid, r.method, r.declared_tenderers, c.tenderers AS counted_tenderers,
               c.tenderer_keys,
               coalesce(r.declared_tenderers, c.tenderers) AS tenderers
        FROM fl_release r LEFT JOIN counted c USING (ocid)
        WHERE list_contains({methods}, r.method)
    )
    SELECT ocid, 'process', ocid, to_json({{
        number_of_tenderers: tenderers,
        counted_from: CASE WHEN declared_tenderers IS NOT NULL
                           THEN 'tender.numberOfTenderers' ELSE 'bids.details' END,
        tenderers: tenderer_keys,
        procurement_method: method, competitive_methods: {methods}
    }})
    FROM p WHERE tenderers = 1 ORDER BY ocid
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="R018",
        title=_("Single bid received"),
        definition=_(
            "Only one tenderer took part (tender.numberOfTenderers, or else the tenderers of "
            "the submitted bids) in a competitive procedure (an open or selective method); "
            "a single bid in a limited or direct procedure is not flagged."
        ),
        source=CARDINAL.format(code="R018"),
        subject="process",
        thresholds=("r018_procurement_methods",),
    ),
    query=query,
)
