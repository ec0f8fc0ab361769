"""Pure rules of beneficial ownership: the threshold, the fall-backs, shares, and what of the
register may be published. Numbers come from `jurisdiction().ownership`; no database access.

Sources: Money Laundering Control Act Art. 7 and the Regulations Governing Anti-Money
Laundering of Financial Institutions Art. 2, 3 (beneficial owner: more than 25 % of shares or
capital, directly or indirectly; failing that control by other means; failing that senior
management); Company Act Art. 22-1 (the register of directors, supervisors, managers and
shareholders over 10 % is confidential). The UK profile applies the Companies Act 2006
s. 790C and Sch. 1A (persons with significant control).

What the public sees (Company Act Art. 22-1 keeps the register confidential, so the platform
publishes the least that makes beneficial ownership transparent):
- the ultimate owners' names, nationality, the basis (ownership, control, senior management)
  and their share as a band ("more than 25 %", "more than 50 %", ...), and whether the interest
  is direct or indirect;
- the entities of the chain and the links between them, without the share of holders who
  are not beneficial owners;
- never ID numbers (masked or hashed), dates of birth, addresses, or the exact holdings of
  shareholders who are not beneficial owners.
Reviewers with the AML role see everything, and each such view is written to the audit log.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from opengov.core.jurisdiction import jurisdiction

from .ubo import Rules, Share

#: BODS 0.4 interest types (codelist interestType.csv)
INTEREST_TYPES = (
    "shareholding",
    "votingRights",
    "appointmentOfBoard",
    "otherInfluenceOrControl",
    "seniorManagingOfficial",
    "settlor",
    "trustee",
    "protector",
    "beneficiaryOfLegalArrangement",
    "rightsToSurplusAssetsOnDissolution",
    "rightsToProfitOrIncome",
    "rightsGrantedByContract",
    "conditionalRightsGrantedByContract",
    "controlViaCompanyRulesOrArticles",
    "controlByLegalFramework",
    "boardMember",
    "boardChair",
    "unknownInterest",
    "unpublishedInterest",
    "enjoymentAndUseOfAssets",
    "rightToProfitOrIncomeFromAssets",
    "nominee",
    "nominator",
)


def interest_label(kind: str) -> str:
    """A person's words for a BODS interest type (the code itself when it has none)."""
    labels = {
        "shareholding": _("shares"),
        "votingRights": _("voting rights"),
        "appointmentOfBoard": _("appoints the board"),
        "otherInfluenceOrControl": _("other influence or control"),
        "seniorManagingOfficial": _("senior managing official"),
        "boardMember": _("director"),
        "boardChair": _("chair of the board"),
        "controlViaCompanyRulesOrArticles": _("control through the articles"),
        "controlByLegalFramework": _("control by law"),
    }
    return str(labels.get(kind, kind))


def ubo_rules() -> Rules:
    """The profile's ownership rules as the computation takes them (fractions)."""
    r = jurisdiction().ownership
    return Rules(
        threshold=r.threshold_percent / 100.0,
        inclusive=r.threshold_inclusive,
        ownership_types=tuple(r.ownership_types),
        control_types=tuple(r.control_types),
        senior_types=tuple(r.senior_types),
        fallbacks=tuple(r.fallbacks),
    )


class ShareError(ValueError):
    """A share that cannot be: `field` names the part at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _percent(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ShareError(field, _("A share is a number of percent."))
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ShareError(field, _("A share is a number of percent.")) from None
    if not number.is_finite():
        raise ShareError(field, _("A share is a number of percent."))
    if number < 0:
        raise ShareError(field, _("A share cannot be negative."))
    if number > 100:
        raise ShareError(field, _("A share cannot be over 100 %."))
    return number


def check_share(
    *, exact: Any = None, minimum: Any = None, maximum: Any = None
) -> tuple[Decimal | None, Decimal | None]:
    """(min, max) in percent from a BODS share (exact, or minimum/maximum), each in
    [0, 100]; (None, None) when no share is stated. Raises ShareError naming the field."""
    e = _percent(exact, "exact")
    lo = _percent(minimum, "minimum")
    hi = _percent(maximum, "maximum")
    if e is not None:
        if (lo is not None and lo != e) or (hi is not None and hi != e):
            raise ShareError("exact", _("An exact share cannot differ from its range."))
        return e, e
    if lo is not None and hi is not None and lo > hi:
        raise ShareError("minimum", _("The minimum share is over the maximum."))
    if lo is None and hi is None:
        return None, None
    return (lo if lo is not None else Decimal(0)), (hi if hi is not None else Decimal(100))


def share_fraction(minimum: Decimal | None, maximum: Decimal | None) -> Share | None:
    """A share in percent as the computation's interval of fractions."""
    if minimum is None and maximum is None:
        return None
    return Share(float(minimum or 0) / 100.0, float(100 if maximum is None else maximum) / 100.0)


def share_band(share: Share) -> str:
    """The public band of a computed share: the highest profile band its lower end is over
    ("more than 25 %"), as the public view shows it instead of the exact figure."""
    bands = sorted(jurisdiction().ownership.public_share_bands)
    lo = share.lo * 100
    passed = [b for b in bands if b < 100 and lo > b + 1e-9]
    if lo >= 100 - 1e-9:
        return _("100 %")
    if passed:
        return _("more than %(band)s %%") % {"band": f"{passed[-1]:g}"}
    return _("up to %(band)s %%") % {"band": f"{bands[0]:g}"}


def format_share(share: Share | None) -> str:
    """An exact share as "18 %", a range as "10–20 %"; "not stated" without one."""
    if share is None:
        return _("not stated")
    lo, hi = share.percent()
    if share.is_exact:
        return f"{lo:.4g} %"
    return f"{lo:.4g}–{hi:.4g} %"
