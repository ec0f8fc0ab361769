"""R044 business similarities between bidders (from the registry's links between companies)."""
# ruff: noqa: S608 - SQL from constants and profile values quoted by sql_list/sql_number

from django.utils.translation import gettext_lazy as _

from ..base import FlagDefinition, SqlFlag, sql_list


def query(rules) -> str:
    kinds = sql_list(rules.r044_link_kinds)
    return f"""
    WITH tenderers AS (
        SELECT DISTINCT ocid, tenderer_key FROM fl_submitted WHERE tenderer_key IS NOT NULL
    ), links AS (
        SELECT business_number_a AS a, business_number_b AS b, kind, shared_value
        FROM og_bidder_link WHERE list_contains({kinds}, kind)
        UNION
        SELECT business_number_b, business_number_a, kind, shared_value
        FROM og_bidder_link WHERE list_contains({kinds}, kind)
    ), pairs AS (
        -- both companies of a link bid in the same process
        SELECT DISTINCT ta.ocid, l.a, l.b, l.kind, l.shared_value
        FROM tenderers ta
        JOIN links l ON l.a = ta.tenderer_key AND l.a < l.b
        JOIN tenderers tb ON tb.ocid = ta.ocid AND tb.tenderer_key = l.b
    ), per_process AS (
        SELECT ocid,
               list({{tenderer_a: a, tenderer_b: b, kind: kind, shared_value: shared_value}}
                    ORDER BY a, b, kind, shared_value) AS links,
               list_sort(list_distinct(flatten(list([a, b])))) AS tenderers
        FROM pairs GROUP BY ocid
    )
    SELECT ocid, 'process', ocid, to_json({{links: links, tenderers: tenderers}})
    FROM per_process
    UNION ALL
    SELECT ocid, 'tenderer', tenderer, to_json({{
        links: list_filter(links, lambda x: x.tenderer_a = tenderer OR x.tenderer_b = tenderer)}})
    FROM (SELECT ocid, links, unnest(tenderers) AS tenderer FROM per_process)
    ORDER BY 1, 2, 3
    """


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="R044",
        title=_("Business similarities between bidders"),
        definition=_(
            "Two tenderers in the same process share an address, a telephone number, a "
            "representative or a director, according to the registry of organisations. "
            "Both tenderers are flagged too."
        ),
        source=(
            "Cardinal (Open Contracting Partnership) red-flag list R044, defined here from "
            "the registry; OECD Guidelines for Fighting Bid Rigging in Public Procurement"
        ),
        subject="process",
        thresholds=("r044_link_kinds",),
    ),
    query=query,
)
