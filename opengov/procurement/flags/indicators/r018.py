"""R018 single bid received (Cardinal)."""

# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag, sql_list


def query(rules) -> str:
    methods = sql_list(rules.r018_procurement_methods)
    return f"""
    WITH candidates AS (
        SELECT ocid, method, declared_tenderers FROM fl_release
        WHERE list_contains({methods}, method)
          AND (declared_tenderers = 1 OR declared_tenderers IS NULL)
    ), counted AS (
        SELECT c.ocid, any_value(c.method) AS method,
               any_value(c.declared_tenderers) AS declared_tenderers,
               list_sort(list_distinct(list(b.tenderer_key))) AS tenderers
        FROM candidates c LEFT JOIN fl_submitted b ON b.ocid = c.ocid
        GROUP BY c.ocid
    )
    SELECT ocid, 'process', ocid, to_json({{
        number_of_tenderers: coalesce(declared_tenderers, len(tenderers)),
        counted_from: CASE WHEN declared_tenderers IS NOT NULL
                           THEN 'tender.numberOfTenderers' ELSE 'bids.details' END,
        tenderers: tenderers,
        procurement_method: method, competitive_methods: {methods}
    }})
    FROM counted WHERE coalesce(declared_tenderers, len(tenderers)) = 1
    ORDER BY ocid
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
