"""Taiwanese identifiers: national ID / resident certificate numbers, unified business numbers,
Minguo (ROC) dates; and the keyed hash under which ID numbers are stored.

Rules and checksums: shared/domain/transparency.md ("Identifiers").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata

from django.conf import settings

# Letter codes of the first character (區域碼), as two-digit numbers.
LETTER_CODES: dict[str, int] = {
    "A": 10,
    "B": 11,
    "C": 12,
    "D": 13,
    "E": 14,
    "F": 15,
    "G": 16,
    "H": 17,
    "I": 34,
    "J": 18,
    "K": 19,
    "L": 20,
    "M": 21,
    "N": 22,
    "O": 35,
    "P": 23,
    "Q": 24,
    "R": 25,
    "S": 26,
    "T": 27,
    "U": 28,
    "V": 29,
    "W": 32,
    "X": 30,
    "Y": 31,
    "Z": 33,
}
ID_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
_ID_RE = re.compile(r"^[A-Z][A-Z0-9]\d{8}$")
BUSINESS_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)
BUSINESS_RULE_CHANGE = dt.date(2023, 4, 1)


def normalise_national_id(value: str) -> str:
    """Upper-case and strip spaces (people type ids in many ways)."""
    if value and value.isalnum():  # no whitespace to strip: skip the regular expression
        return value.upper()
    return re.sub(r"\s+", "", value or "").upper()


def national_id_checksum_ok(value: str) -> bool:
    """True when `value` is a well-formed national ID or resident certificate number.

    Accepts citizens (second character 1 or 2), new-format resident certificates (8 or 9,
    since 2021) and old-format resident certificates (a letter in second place, which
    counts as the units digit of its letter code).
    """
    value = normalise_national_id(value)
    if not _ID_RE.match(value):
        return False
    second = value[1]
    if second.isdigit():
        if second not in "1289":
            return False
        second_digit = int(second)
    else:
        if second not in "ABCD":
            return False
        second_digit = LETTER_CODES[second] % 10
    code = LETTER_CODES[value[0]]
    digits = [code // 10, code % 10, second_digit, *(int(c) for c in value[2:])]
    total = sum(d * w for d, w in zip(digits, ID_WEIGHTS, strict=True))
    return total % 10 == 0


def national_id_check_digit(prefix9: str) -> str:
    """The check digit that completes a 9-character prefix (letter, sex digit, 7 digits)."""
    for digit in "0123456789":
        if national_id_checksum_ok(prefix9 + digit):
            return digit
    raise ValueError("no check digit completes this prefix")


def national_id_hash(value: str) -> str:
    """The keyed hash (HMAC-SHA256 with ID_HASH_KEY) stored instead of an ID number."""
    normalised = normalise_national_id(value).encode()
    return hmac.new(settings.ID_HASH_KEY.encode(), normalised, hashlib.sha256).hexdigest()


def mask_national_id(value: str) -> str:
    """Mask an ID number for display: A123456789 -> A12345****."""
    value = normalise_national_id(value)
    return value[:6] + "*" * max(len(value) - 6, 0)


def _business_sum(digits: list[int]) -> int:
    total = 0
    for d, w in zip(digits, BUSINESS_WEIGHTS, strict=True):
        product = d * w
        total += product // 10 + product % 10
    return total


def business_rule_change() -> dt.date:
    """The day the divisible-by-5 rule took effect (the profile's
    `registry.business_number_rule_change`; 2023-04-01 in Taiwan)."""
    from .jurisdiction import jurisdiction

    registry = getattr(jurisdiction(), "registry", None)
    return registry.business_number_rule_change if registry else BUSINESS_RULE_CHANGE


def business_number_ok(value: str, on: dt.date | None = None) -> bool:
    """True when `value` is a valid unified business number (統一編號) on date `on`.

    Since 2023-04-01 the weighted digit sum must be divisible by 5 (before: by 10); when the
    seventh digit is 7, the sum plus one may satisfy the rule instead.
    """
    value = (value or "").strip()
    if not re.fullmatch(r"\d{8}", value):
        return False
    divisor = 5 if (on is None or on >= business_rule_change()) else 10
    total = _business_sum([int(c) for c in value])
    if total % divisor == 0:
        return True
    return value[6] == "7" and (total + 1) % divisor == 0


def parse_minguo_date(value: str) -> dt.date:
    """Parse an ROC date such as "1130507", "113/05/07" or "113-5-7" (year + 1911)."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    match = re.fullmatch(r"(\d{2,3})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif re.fullmatch(r"\d{6,7}", text):
        year, month, day = int(text[:-4]), int(text[-4:-2]), int(text[-2:])
    else:
        raise ValueError(f"not a Minguo date: {value!r}")
    return dt.date(year + 1911, month, day)


_AD_DATE = re.compile(r"(\d{4})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?")


def parse_filed_date(value: str) -> dt.date:
    """A date as government files write it: Minguo ("1130507", "113/05/07", "民國113年5月7日")
    or AD ("2024-05-07", "2024/5/7", "20240507"); ValueError for an impossible or unreadable
    date (113/02/30)."""
    text = (value or "").strip()
    if len(text) == 7 and text.isascii() and text.isdigit():  # the usual 1130507, fast
        return dt.date(int(text[:3]) + 1911, int(text[3:5]), int(text[5:]))
    text = unicodedata.normalize("NFKC", text).removeprefix("民國").strip()
    match = _AD_DATE.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    if re.fullmatch(r"\d{8}", text) and text[:2] in ("19", "20"):
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    return parse_minguo_date(text)


def parse_amount(value: str | int | float) -> int:
    """Parse an amount in NT$ such as "308,100元", "162000.00", "NT$5,000", "１０００" or 5000
    into whole dollars."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.isascii() and text.isdigit():
        return int(text)
    text = unicodedata.normalize("NFKC", text).replace(",", "").replace("元", "")
    text = text.replace("NT$", "").replace("$", "").strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(f"not an amount: {value!r}")
    return round(float(text))
