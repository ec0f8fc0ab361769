"""The legal rules of political donations (pure, no database), each naming its source.

Numbers come from the profile's `donations` section (`core.jurisdiction.DonationRules`):
- annual limits per donor kind: Political Donations Act Art. 17 (parties), Art. 18 (candidates);
- a party to its own nominee: Art. 18 ¶2;
- anonymous donations (NT$10,000 each, 30 % of the income): Art. 14, 15;
- cash above NT$100,000: Art. 14;
- the collection window before the vote: Art. 12;
- prohibited donors: Art. 7 (government share of at least 20 %, large-procurement contractors
  during performance, accumulated losses, dissolved or revoked companies, foreign, mainland,
  Hong Kong or Macau main members, party-run businesses).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from opengov.core.jurisdiction import DonationRules, jurisdiction

ART = {
    "limit_candidate": "Political Donations Act Art. 18 ¶1 (to one candidate, per year)",
    "limit_candidates_total": "Political Donations Act Art. 18 ¶3 (to all candidates, per year)",
    "limit_party": "Political Donations Act Art. 17 ¶1 (to one party, per year)",
    "limit_parties_total": "Political Donations Act Art. 17 ¶2 (to all parties, per year)",
    "party_to_nominee": "Political Donations Act Art. 18 ¶2 (a party to its own nominee)",
    "anonymous_each": "Political Donations Act Art. 14 (anonymous above NT$10,000)",
    "anonymous_share": "Political Donations Act Art. 15 (anonymous above 30 % of income)",
    "cash": "Political Donations Act Art. 14 (cash above NT$100,000)",
    "window": "Political Donations Act Art. 12 (collection window before the vote)",
    "state_owned": "Political Donations Act Art. 7 ¶1(2) (government share of at least 20 %)",
    "contractor": "Political Donations Act Art. 7 ¶1(3) (large procurement during performance)",
    "accumulated_loss": "Political Donations Act Art. 7 ¶1(4) (accumulated losses not made up)",
    "dissolved": "Political Donations Act Art. 7 ¶1 with Company Act Art. 24-26 (a dissolved "
    "or revoked company is no longer a donor in business)",
    "foreign": "Political Donations Act Art. 7 ¶1(7)-(9) (foreign, mainland, Hong Kong, Macau "
    "main members)",
    "party_business": "Political Donations Act Art. 7 ¶1(10) (run or invested in by a party)",
    "invalid_number": "Political Donations Act Art. 21 with 政治獻金查核準則 (donors identified "
    "by unified business number; checksum of the Ministry of Finance)",
    "name_mismatch": "Political Donations Act Art. 7 ¶4 (recipients check donors against the "
    "agencies' lookups)",
    "split_donor": "Political Donations Act Art. 18 with Art. 14 (donating in another's name; "
    "limits circumvented across related companies)",
    "double_cap": "Political Donations Act Art. 18 (annual limits, calendar year) around a "
    "January vote",
    "heaping": "screen (watchdog practice): amounts at or just under a limit",
    "benford_first": "screen (Nigrini 2012): first-digit distribution against Benford's law",
    "benford_second": "screen (Nigrini 2012): second-digit distribution against Benford's law",
}


def donation_rules() -> DonationRules:
    """The profile's donation rules."""
    return jurisdiction().donations


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def collection_window(office: str, vote_date: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) on which a candidate may receive donations (Art. 12 ¶1): from
    the office's number of months before the vote until the day before it."""
    months = dict(donation_rules().collection_window_months)[office]
    return _add_months(vote_date, -months), vote_date - dt.timedelta(days=1)


def window_for(
    office: str, vote_date: dt.date | None, start: dt.date | None, end: dt.date | None
) -> tuple[dt.date, dt.date] | None:
    """An election's collection window: the one set for it (both days), else the one of
    Art. 12 ¶1 for its office and vote date; None when neither is known."""
    if start and end:
        return start, end
    if not vote_date or office not in dict(donation_rules().collection_window_months):
        return None
    return collection_window(office, vote_date)


@dataclass(frozen=True)
class Limits:
    """The annual limits of one donor kind (Art. 17, 18)."""

    to_candidate: int
    to_candidates_total: int
    to_party: int
    to_parties_total: int


def limits_for(donor_kind: str) -> Limits | None:
    """The annual limits of a donor kind (individual, company, civic group); None for kinds
    the limits of Art. 17, 18 do not name."""
    r = donation_rules()
    if donor_kind not in ("individual", "company", "civic_group"):
        return None
    return Limits(
        getattr(r, f"{donor_kind}_to_candidate"),
        getattr(r, f"{donor_kind}_to_candidates_total"),
        getattr(r, f"{donor_kind}_to_party"),
        getattr(r, f"{donor_kind}_to_parties_total"),
    )


def party_to_nominee_limit(office: str) -> int | None:
    """What a party may give its own nominee for this office in a year (Art. 18 ¶2)."""
    return dict(donation_rules().party_to_nominee).get(office)


def over(amount: int, limit: int) -> bool:
    """True when `amount` exceeds `limit`: a donation of exactly the limit is lawful, one
    dollar more is not."""
    return amount > limit


def government_share_prohibited(share: float | None) -> bool:
    """True when the government's share makes a company a prohibited donor (Art. 7 ¶1(2))."""
    if share is None:
        return False
    r = donation_rules()
    limit = r.government_share_percent
    return share >= limit if r.government_share_inclusive else share > limit


#: income accounts (收支科目) of the Control Yuan's files and the donor kind they name
ACCOUNT_KINDS: tuple[tuple[str, str], ...] = (
    ("匿名", "anonymous"),
    ("個人", "individual"),
    ("營利事業", "company"),
    ("人民團體", "civic_group"),
    ("政黨", "party"),
    ("其他", "other"),
)


def donor_kind_for(account: str, income: int, expenditure: int) -> str:
    """The donor kind named by the account (收支科目); an expenditure is "expense"."""
    text = account or ""
    if (expenditure and not income) or "支出" in text:
        return "expense"
    for word, kind in ACCOUNT_KINDS:
        if word in text:
            return kind
    return "other"


ANONYMOUS_NAMES = ("匿名", "匿名捐贈", "無名氏", "善心人士", "不具名")


def is_anonymous_name(name: str) -> bool:
    """True for the placeholders filings use for anonymous donors."""
    text = (name or "").strip()
    return not text or any(word in text for word in ANONYMOUS_NAMES)


def is_cash(method: str) -> bool:
    """True when the donation came in cash (捐贈方式 現金)."""
    return "現金" in (method or "")
