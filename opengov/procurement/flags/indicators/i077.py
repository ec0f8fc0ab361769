"""i077 high number of awards to one supplier by one buyer (DevGateway, OCP guide)."""

from django.utils.translation import gettext_lazy as _

from ..base import DEVGATEWAY, FlagDefinition, SqlFlag, sql_number
from ._repeat import repeated_awards_query


def query(rules) -> str:
    maximum = int(rules.i077_max_awards)
    return repeated_awards_query(
        window_days=int(rules.i077_window_days),
        minimum=maximum + 1,
        method_filter="true",
        settings=f"max_awards: {sql_number(maximum)}",
    )


FLAG = SqlFlag(
    definition=FlagDefinition(
        code="i077",
        title=_("Many awards to one supplier from one buyer"),
        definition=_(
            "A buyer made more than a maximum number of active awards (3 by default) to the "
            "same supplier within a period (365 days by default)."
        ),
        source=DEVGATEWAY.format(code="i077"),
        subject="supplier",
        thresholds=("i077_max_awards", "i077_window_days"),
    ),
    query=query,
)
