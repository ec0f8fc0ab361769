"""Rules of government procurement (pure, no database).

Large procurement (巨額採購): the thresholds the Public Construction Commission sets under the
Government Procurement Act Art. 12 (採購法之招標、決標、監辦及巨額採購金額): works NT$200
million, goods NT$100 million, services NT$20 million or more; read from the profile's
`procurement` rules (`core.jurisdiction.ProcurementRules`). Source summary:
shared/domain/transparency.md, "Government procurement".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from opengov.core.jurisdiction import ProcurementRules, jurisdiction

CATEGORIES = ("works", "goods", "services")


def rules() -> ProcurementRules:
    """The procurement rules of the profile in force."""
    return jurisdiction().procurement


def large_threshold(category: str) -> int | None:
    """The amount from which a procurement of `category` is large (巨額採購, Government
    Procurement Act Art. 12 and the PCC's thresholds), None for an unknown category."""
    if category not in CATEGORIES:
        return None
    return getattr(rules(), f"large_{category}")


def supervision_threshold(category: str) -> int | None:
    """查核金額 (Government Procurement Act Art. 12) of `category`, None when unknown."""
    if category not in CATEGORIES:
        return None
    return getattr(rules(), f"supervision_{category}")


def is_large(category: str, amount: Decimal | int | None, currency: str) -> bool:
    """Whether a procurement of `category` worth `amount` in `currency` is large: the amount
    reaches the category's threshold (inclusive: "NT$200 million or more"). Amounts in another
    currency than the profile's are not classified (the thresholds are in NT$)."""
    threshold = large_threshold(category)
    if threshold is None or amount is None:
        return False
    if (currency or rules().currency) != rules().currency:
        return False
    return Decimal(amount) >= threshold


def in_performance(start: dt.date | None, end: dt.date | None, on: dt.date) -> bool:
    """Whether a contract performed from `start` to `end` (inclusive; no end: not finished) is
    in performance on `on` (Political Donations Act Art. 7 ¶1(2) asks it of contractors)."""
    if start is None or on < start:
        return False
    return end is None or on <= end
