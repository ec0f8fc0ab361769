"""R058 heavily discounted bid (Cardinal)."""

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition
from ._price import PriceFlag, price_flag_query


def query(rules) -> str:
    return price_flag_query(side="upper", threshold=rules.r058_threshold, tenderers="winner")


FLAG = PriceFlag(
    definition=FlagDefinition(
        code="R058",
        title=_("Heavily discounted bid"),
        definition=_(
            "The difference between the second-lowest valid bid and the winning bid, relative "
            "to the winning bid, is at or above the upper fence Q3 + 1.5·IQR of all processes' "
            "differences (or a fixed threshold). The winner is flagged too. The same processes "
            "are left out as for R024."
        ),
        source=CARDINAL.format(code="R058"),
        subject="process",
        thresholds=("r058_threshold", "no_price_comparison_method_details"),
    ),
    query=query,
)
