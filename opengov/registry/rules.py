"""Rules of the registry (pure, no database): what a business number's flag is, what a
registry status or a board position means, how sure a name match must be.

Sources: shared/domain/transparency.md ("Identifiers", "Company registry"); the unified
business number check is `core.identifiers.business_number_ok` (財政部 統一編號檢查碼邏輯,
in force since 2023-04-01); the match thresholds are the profile's `registry` rules.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from opengov.core.identifiers import business_number_ok
from opengov.core.jurisdiction import jurisdiction

from .models import BoardSeat, NumberFlag, Status


def clean_business_number(raw: str) -> str:
    """The business number as written, folded to half-width digits, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw or ""))


def business_number_flag(raw: str, *, on: dt.date | None = None) -> tuple[str, str]:
    """(the 8-digit number or "", the flag): why a business number fails, or "" when it is
    valid or absent. A failing number is kept with its flag, never dropped (real filings
    carry them: shared/domain/transparency.md, "Identifiers")."""
    value = clean_business_number(raw)
    if not value:
        return "", NumberFlag.NONE
    if "*" in value or "＊" in value or re.search(r"[xX○Ｏ]{2,}", value):
        return "", NumberFlag.MASKED
    if not value.isdigit():
        return "", NumberFlag.NOT_DIGITS
    if len(value) != 8:
        return "", NumberFlag.LENGTH
    if not business_number_ok(value, on):
        return value, NumberFlag.CHECKSUM
    return value, NumberFlag.NONE


#: the registry's status descriptions (Company_Status_Desc) and what they mean
_STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("撤銷", Status.REVOKED),
    ("廢止", Status.REVOKED),
    ("解散", Status.DISSOLVED),
    ("清算", Status.DISSOLVED),
    ("停業", Status.SUSPENDED),
    ("核准設立", Status.ACTIVE),
    ("核准登記", Status.ACTIVE),
    ("設立", Status.ACTIVE),
    ("營業中", Status.ACTIVE),
    ("復業", Status.ACTIVE),
)


def status_from_text(text: str) -> str:
    """The status folded from the registry's description (核准設立 → active, 廢止 → revoked,
    解散 → dissolved, 停業 → suspended; anything else → unknown). The most severe word wins:
    "核准設立，但已命令解散" is dissolved."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    for word, status in _STATUS_WORDS:
        if word in text:
            return status
    return Status.UNKNOWN


def status_on(
    status: str, *, suspended_from: dt.date | None, suspended_until: dt.date | None, on: dt.date
) -> str:
    """A suspension is over after its end date (Sus_End_Date): the status is derived when read,
    not scheduled (rule of the house 4)."""
    if status == Status.SUSPENDED and suspended_until is not None and on > suspended_until:
        return Status.ACTIVE
    return status


_ROLE_WORDS: tuple[tuple[str, str], ...] = (
    ("副董事長", BoardSeat.Role.VICE_CHAIR),
    ("董事長", BoardSeat.Role.CHAIR),
    ("獨立董事", BoardSeat.Role.INDEPENDENT_DIRECTOR),
    ("監察人", BoardSeat.Role.SUPERVISOR),
    ("董事", BoardSeat.Role.DIRECTOR),
    ("經理", BoardSeat.Role.MANAGER),
    ("執行業務股東", BoardSeat.Role.DIRECTOR),
    ("代表人", BoardSeat.Role.CHAIR),
)


def role_from_position(position: str) -> str:
    """The seat's role from the registry's position text (Person_Position_Name)."""
    text = unicodedata.normalize("NFKC", position or "")
    for word, role in _ROLE_WORDS:
        if word in text:
            return role
    return BoardSeat.Role.OTHER


def match_verdict(score: float) -> str:
    """ "match" at or above the profile's auto-match score, "review" at or above its review
    score, "none" below (platform policy, `jurisdiction().registry`)."""
    rules = jurisdiction().registry
    if score >= rules.auto_match_score:
        return "match"
    if score >= rules.review_score:
        return "review"
    return "none"


_NATIONALITY_GROUPS: dict[str, str] = {
    "tw": "domestic",
    "twn": "domestic",
    "roc": "domestic",
    "中華民國": "domestic",
    "臺灣": "domestic",
    "台灣": "domestic",
    "本國": "domestic",
    "cn": "mainland",
    "chn": "mainland",
    "prc": "mainland",
    "中國大陸": "mainland",
    "大陸地區": "mainland",
    "中國": "mainland",
    "hk": "hong_kong",
    "hkg": "hong_kong",
    "香港": "hong_kong",
    "mo": "macau",
    "mac": "macau",
    "澳門": "macau",
}


def nationality_group(nationality: str) -> str:
    """ "domestic", "mainland", "hong_kong", "macau", "foreign", or "" when not stated."""
    text = unicodedata.normalize("NFKC", nationality or "").strip().lower()
    if not text:
        return ""
    return _NATIONALITY_GROUPS.get(text, "foreign")


def main_member_groups(seats: list[tuple[str, str]]) -> set[str]:
    """The groups (foreign, mainland, hong_kong, macau) that are "main members" of an
    organisation, from its board seats as (role, nationality): the chair, or more than a third
    of the director and supervisor seats (Political Donations Act Art. 7 ¶1(7)-(9) and its
    definition of main members; the 30 %-of-shares test needs the shareholding, which the
    ownership data holds). Seats whose holder's nationality is not stated count for no group.
    """
    groups: set[str] = set()
    board_roles = {
        BoardSeat.Role.CHAIR,
        BoardSeat.Role.VICE_CHAIR,
        BoardSeat.Role.DIRECTOR,
        BoardSeat.Role.INDEPENDENT_DIRECTOR,
        BoardSeat.Role.SUPERVISOR,
    }
    counted = [(role, nationality_group(n)) for role, n in seats if role in board_roles]
    for role, group in counted:
        if role == BoardSeat.Role.CHAIR and group not in ("", "domestic"):
            groups.add(group)
    if counted:
        for group in ("foreign", "mainland", "hong_kong", "macau"):
            if sum(1 for _role, g in counted if g == group) * 3 > len(counted):
                groups.add(group)
    return groups
