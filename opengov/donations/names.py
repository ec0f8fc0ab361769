"""Name keys for matching donors to each other and to the registry (pure): widths folded,
臺 read as 台, spaces and punctuation dropped, the company's legal form stripped."""

from __future__ import annotations

import re
import unicodedata

LEGAL_FORMS = (
    "股份有限公司",
    "(股)公司",
    "有限公司",
    "無限公司",
    "兩合公司",
    "有限合夥",
    "公司",
)
_NON_WORD = re.compile(r"[\W_]+")


def normalise(name: str) -> str:
    """The matching key of a donor's or organisation's name."""
    text = unicodedata.normalize("NFKC", name or "").replace("臺", "台").strip()
    text = re.sub(r"\s+", "", text)
    for form in LEGAL_FORMS:
        if text.endswith(form) and len(text) > len(form):
            text = text[: -len(form)]
            break
    return _NON_WORD.sub("", text)[:200]


def office_from_election(name: str) -> str:
    """The office an election's published name speaks of ("" when it does not say)."""
    text = name or ""
    for words, office in (
        (("總統",), "president"),
        (("立法委員", "立委"), "legislator"),
        (("代表",), "township_representative"),
        (("村長", "里長", "村里長"), "village_chief"),
        (("議員",), "councillor"),
        (("鄉長", "鎮長", "鄉鎮市長", "區長"), "township_chief"),
        (("市長", "縣長", "縣市長"), "mayor"),
    ):
        if any(w in text for w in words):
            return office
    return ""


def is_party_name(name: str) -> bool:
    """True when a recipient's name is a party's (黨) or a political group's (政治團體)."""
    text = name or ""
    return text.endswith("黨") or "政治團體" in text or text.endswith("聯盟")
