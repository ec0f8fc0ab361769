"""i180 repeated non-competitive awards to one supplier by one buyer (DevGateway, OCP guide)."""

from django.utils.translation import gettext_lazy as _

from ..base import DEVGATEWAY, FlagDefinition, SqlFlag, sql_list
from ._repeat import repeated_awards_query


def query(rules) -> str:
    methods = sql_list(rules.i180_procurement_methods)
    return repeated_awards_query(
        window_days=int(rules.i180_window_days),
        minimum=int(rules.i180_minimum_awards),
        method_filter=f"list_contains({methods}, r.method)",
        settings=f"non_competitive_methods: {methods}",
    )


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="i180",
        title=_("Repeated non-competitive awards to one supplier"),
        definition=_(
            "A buyer made at least a minimum number (2 by default) of active awards through "
            "non-competitive methods (limited or direct) to the same supplier within a period "
            "(three years by default)."
        ),
        source=DEVGATEWAY.format(code="i180"),
        subject="supplier",
        thresholds=("i180_minimum_awards", "i180_window_days", "i180_procurement_methods"),
    ),
    query=query,
)
