"""R003 short submission period (Cardinal)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag, sql_list, sql_number


def query(rules) -> str:
    methods = sql_list(rules.r003_procurement_methods)
    per_details = [(str(d), int(days)) for d, days in rules.r003_method_details_days]
    details = sql_list(d for d, _days in per_details)
    days = "([" + ", ".join(sql_number(v) for _d, v in per_details) + "]::BIGINT[])"
    default = sql_number(int(rules.r003_threshold_days))
    return f"""
    WITH p AS (
        SELECT ocid, method, method_details, tender_start, tender_end,
               -- whole days, as a duration truncated toward zero
               trunc(epoch(tender_end - tender_start) / 86400)::BIGINT AS period_days,
               coalesce({days}[list_position({details}, method_details)], {default})
                   AS threshold_days,
               list_position({details}, method_details) IS NOT NULL AS per_method
        FROM fl_release
        WHERE tender_start IS NOT NULL AND tender_end IS NOT NULL
          AND (len({methods}) = 0 OR list_contains({methods}, method))
    )
    SELECT ocid, 'process', ocid, to_json({{
        tender_start: tender_start, tender_end: tender_end, period_days: period_days,
        threshold_days: threshold_days,
        threshold_from: CASE WHEN per_method THEN 'procurementMethodDetails' ELSE 'default' END,
        procurement_method: method, procurement_method_details: method_details
    }})
    FROM p WHERE period_days < threshold_days ORDER BY ocid
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="R003",
        title=_("Short submission period"),
        definition=_(
            "The tender period (from tender.tenderPeriod.startDate to endDate, in whole days) "
            "is shorter than the minimum period: a fixed number of days, or one per "
            "procurement method details."
        ),
        source=CARDINAL.format(code="R003"),
        subject="process",
        thresholds=("r003_threshold_days", "r003_method_details_days", "r003_procurement_methods"),
    ),
    query=query,
)
