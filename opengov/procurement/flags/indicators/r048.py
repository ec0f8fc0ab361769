"""R048 heterogeneous supplier (Cardinal)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition, SqlFlag, fence_sql, sql_number


def query(rules) -> str:
    digits = sql_number(int(rules.r048_digits))
    minimum = sql_number(int(rules.r048_minimum_contracting_processes))
    threshold = rules.r048_threshold
    fence_from = "threshold" if threshold is not None else "quartiles"
    return f"""
    WITH classes AS (
        -- items of active awards made to exactly one supplier
        SELECT a.supplier_key, c.ocid, left(c.classification_id, {digits}) AS class
        FROM og_award_class c
        JOIN fl_award a ON a.ocid = c.ocid AND a.award_index = c.award_index
        WHERE a.status = 'active' AND a.supplier_count = 1 AND a.supplier_key IS NOT NULL
    ), suppliers AS (
        SELECT supplier_key, count(DISTINCT ocid) AS processes,
               list_sort(list(DISTINCT class)) AS classes,
               count(DISTINCT class) AS variety
        FROM classes GROUP BY supplier_key
        HAVING count(DISTINCT ocid) >= {minimum}
    ), fence AS (
        SELECT {fence_sql("v", side="upper", threshold=threshold)}
        FROM (SELECT list_sort(list(variety::DOUBLE)) AS v FROM suppliers)
    )
    SELECT NULL, 'supplier', s.supplier_key, to_json({{
        variety: s.variety, classes: s.classes, processes: s.processes, digits: {digits},
        q1: f.q1, q3: f.q3, upper_fence: f.fence, fence_from: '{fence_from}',
        minimum_processes: {minimum}, suppliers_compared: f.population
    }})
    FROM suppliers s, fence f WHERE s.variety >= f.fence
    ORDER BY s.supplier_key
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="R048",
        title=_("Heterogeneous supplier"),
        definition=_(
            "The number of distinct first-level classifications (the first digits of the "
            "item classification) of the items awarded to a supplier is at or above the upper "
            "fence Q3 + 1.5·IQR (or a fixed threshold), computed over suppliers awarded in at "
            "least 20 processes. Awards to several suppliers are left out."
        ),
        source=CARDINAL.format(code="R048"),
        subject="supplier",
        thresholds=("r048_digits", "r048_threshold", "r048_minimum_contracting_processes"),
    ),
    query=query,
)
