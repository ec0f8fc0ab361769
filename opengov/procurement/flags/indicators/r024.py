"""R024 price close to winning bid (Cardinal)."""

from django.utils.translation import gettext_lazy as _

from ..base import CARDINAL, FlagDefinition
from ._price import PriceFlag, price_flag_query


def query(rules) -> str:
    return price_flag_query(side="lower", threshold=rules.r024_threshold, tenderers="both")


FLAG = PriceFlag(
    definition=FlagDefinition(
        code="R024",
        title=_("Price close to winning bid"),
        definition=_(
            "The difference between the second-lowest valid bid and the winning bid, relative "
            "to the winning bid, is at or below the lower fence Q1 − 1.5·IQR of all processes' "
            "differences (or a fixed threshold). The winner and the second-lowest bidder are "
            "flagged too. Processes with a pending award, several active awards, a bid by "
            "several tenderers, an award to several suppliers, or a winning bid that is not "
            "the lowest are left out."
        ),
        source=CARDINAL.format(code="R024"),
        subject="process",
        thresholds=("r024_threshold", "no_price_comparison_method_details"),
    ),
    query=query,
)
