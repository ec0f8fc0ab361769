"""Taiwan's Public Construction Commission (PCC) tender and award notices, as published in
their "section:field" form (`機關資料:機關名稱`, `決標資料:總決標金額`,
`投標廠商:投標廠商1:廠商代碼`, …), mapped to OCDS 1.1 releases (pure, no database).

- Dates are Minguo (ROC) dates ("113/05/07", "1130507", "113/05/07 17:00"): year + 1911
  (`core.identifiers.parse_minguo_date`), written as ISO 8601 in Taiwan time (+08:00).
- Amounts come as "308,100元" or "162000.00" (`core.identifiers.parse_amount`), in TWD.
- The ocid is the profile's prefix (`ocds-kj3ygj` in Taiwan), the agency code and the case
  number: `ocds-kj3ygj-3.80.11-1130101`.
- Tenderers (`投標廠商:投標廠商N:…`) become parties and bids; those with `是否得標` 是 are the
  winners (award suppliers), the others are the losers; item-level winners and losers
  (`決標品項:第N品項:得標廠商M:…`, `未得標廠商M:…`) give the bid amounts and one award and
  contract per winner.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from opengov.core.identifiers import parse_amount, parse_minguo_date

TAIWAN = dt.timezone(dt.timedelta(hours=8))

CATEGORY = {"工程類": "works", "財物類": "goods", "勞務類": "services"}
METHOD = {
    "公開招標": "open",
    "公開取得報價單或企劃書": "open",
    "公開取得": "open",
    "選擇性招標": "selective",
    "限制性招標": "limited",
}
YES = {"是", "Y", "y", "yes", "true", "1", "得標"}


@dataclass
class NoticeError(Exception):
    """A notice field that cannot be read."""

    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason} ({self.value!r})"


def _clean(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).replace("\u3000", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def _get(notice: dict[str, Any], *keys: str) -> str:
    """The first non-empty of these fields (PCC's field names vary between notice types)."""
    for key in keys:
        value = _clean(notice.get(key))
        if value:
            return value
    return ""


def minguo_datetime(value: str, field: str) -> str:
    """An ROC date, with an optional time ("113/05/07 17:00"), as ISO 8601 in Taiwan time."""
    text = _clean(value)
    match = re.fullmatch(r"(.+?)(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?", text)
    try:
        day = parse_minguo_date(match.group(1) if match else text)
    except (ValueError, AttributeError):
        raise NoticeError(field, text, "minguo_date") from None
    hour, minute, second = (int(g) if g else 0 for g in (match.groups()[1:] if match else ()))
    try:
        moment = dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TAIWAN)
    except ValueError:
        raise NoticeError(field, text, "minguo_date") from None
    return moment.isoformat()


def amount(value: str, field: str) -> int:
    """An amount in NT$ ("308,100元", "162000.00", "NT$5,000")."""
    try:
        return parse_amount(_clean(value).replace(" ", ""))
    except ValueError:
        raise NoticeError(field, _clean(value), "amount") from None


def _period(value: str, field: str) -> tuple[str | None, str | None]:
    """A performance period "113/01/01-113/12/31" (or "至", "~") as ISO start and end."""
    text = _clean(value)
    if not text:
        return None, None
    parts = [p for p in re.split(r"\s*(?:~|～|至|－|—|-(?=\s*\d{2,3}[/.年]))\s*", text) if p]
    if len(parts) != 2:
        raise NoticeError(field, text, "period")
    return minguo_datetime(parts[0], field), minguo_datetime(parts[1], field)


def _ocid_part(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z.\-_]", "", value.replace(" ", ""))


def ocid_of(notice: dict[str, Any], prefix: str) -> str:
    """`prefix-agency code-case number` (the case number kept as PCC writes it)."""
    unit = _ocid_part(_get(notice, "機關資料:機關代碼"))
    case = _ocid_part(_get(notice, "採購資料:標案案號", "已公告資料:標案案號"))
    if not unit:
        raise NoticeError("機關資料:機關代碼", _get(notice, "機關資料:機關代碼"), "required")
    if not case:
        raise NoticeError("採購資料:標案案號", "", "required")
    return f"{prefix}-{unit}-{case}"


def _numbered(notice: dict[str, Any], head: str) -> dict[int, dict[str, str]]:
    """`head1:field`, `head2:field`… grouped by number: {1: {field: value}, …}."""
    found: dict[int, dict[str, str]] = {}
    pattern = re.compile(re.escape(head) + r"(\d+):(.+)")
    for key, value in notice.items():
        match = pattern.fullmatch(key)
        if match:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = _clean(value)
    return found


def _items(notice: dict[str, Any]) -> dict[int, dict[str, dict[int, dict[str, str]]]]:
    """`決標品項:第N品項:得標廠商M:field` / `未得標廠商M:field` grouped by item and rank."""
    found: dict[int, dict[str, dict[int, dict[str, str]]]] = {}
    pattern = re.compile(r"決標品項:第(\d+)品項:(得標廠商|未得標廠商)(\d+):(.+)")
    for key, value in notice.items():
        match = pattern.fullmatch(key)
        if match:
            item, side, rank, name = match.groups()
            side_key = "winners" if side == "得標廠商" else "losers"
            (
                found.setdefault(int(item), {"winners": {}, "losers": {}})[side_key].setdefault(
                    int(rank), {}
                )[name]
            ) = _clean(value)
    return found


def _party_id(code: str, name: str) -> str:
    return f"TW-MOEA-{code}" if code else f"TW-NAME-{name}"


def notice_to_release(notice: dict[str, Any], *, prefix: str) -> dict[str, Any]:
    """One PCC notice (tender or award) as an OCDS release."""
    if not isinstance(notice, dict):
        raise NoticeError("", str(notice)[:80], "not_object")
    ocid = ocid_of(notice, prefix)
    is_award = any(k.startswith("決標資料:") for k in notice)
    unit_code = _get(notice, "機關資料:機關代碼")
    buyer_id = f"TW-PCC-UNIT-{unit_code}"
    buyer_name = _get(notice, "機關資料:機關名稱")
    classification = _get(notice, "採購資料:標的分類", "已公告資料:標的分類")
    kind = re.search(r"(工程類|財物類|勞務類)", classification)
    method_text = _get(notice, "招標資料:招標方式", "已公告資料:招標方式")
    method = next((v for k, v in METHOD.items() if method_text.startswith(k)), "")
    tender: dict[str, Any] = {
        "id": _get(notice, "採購資料:標案案號", "已公告資料:標案案號"),
        "title": _get(notice, "採購資料:標案名稱", "已公告資料:標案名稱"),
        "status": "complete" if is_award else "active",
    }
    if kind:
        tender["mainProcurementCategory"] = CATEGORY[kind.group(1)]
    if method:
        tender["procurementMethod"] = method
    if method_text:
        tender["procurementMethodDetails"] = method_text
    budget = _get(notice, "採購資料:預算金額", "已公告資料:預算金額")
    if budget:
        tender["value"] = {"amount": amount(budget, "採購資料:預算金額"), "currency": "TWD"}
    published = _get(notice, "招標資料:公告日", "已公告資料:公告日", "招標資料:原公告日")
    deadline = _get(notice, "領投開標:截止投標", "招標資料:截止投標")
    period: dict[str, str] = {}
    if published:
        period["startDate"] = minguo_datetime(published, "招標資料:公告日")
    if deadline:
        period["endDate"] = minguo_datetime(deadline, "領投開標:截止投標")
    if period:
        tender["tenderPeriod"] = period
    parties: dict[str, dict[str, Any]] = {
        buyer_id: {
            "id": buyer_id,
            "name": buyer_name,
            "identifier": {"scheme": "TW-PCC-UNIT", "id": unit_code, "legalName": buyer_name},
            "roles": ["buyer", "procuringEntity"],
        }
    }
    address = _get(notice, "機關資料:機關地址")
    if address:
        parties[buyer_id]["address"] = {"streetAddress": address, "countryName": "臺灣"}
    release: dict[str, Any] = {
        "ocid": ocid,
        "initiationType": "tender",
        "buyer": {"id": buyer_id, "name": buyer_name},
        "tender": tender,
    }
    if not is_award:
        if not published:
            raise NoticeError("招標資料:公告日", "", "required")
        release["id"] = f"{ocid}-tender-{period['startDate'][:10]}"
        release["date"] = period["startDate"]
        release["tag"] = ["tender"]
        release["parties"] = list(parties.values())
        return release
    _award_parts(notice, ocid, release, parties)
    release["parties"] = list(parties.values())
    return release


def _award_parts(
    notice: dict[str, Any], ocid: str, release: dict[str, Any], parties: dict[str, dict[str, Any]]
) -> None:
    decided = _get(notice, "決標資料:決標日期")
    announced = _get(notice, "決標資料:決標公告日期", "決標資料:公告日期") or decided
    if not announced:
        raise NoticeError("決標資料:決標公告日期", "", "required")
    date = minguo_datetime(announced, "決標資料:決標公告日期")
    award_date = minguo_datetime(decided, "決標資料:決標日期") if decided else date
    release["id"] = f"{ocid}-award-{date[:10]}"
    release["date"] = date
    release["tag"] = ["award", "contract"]
    tenderers = _numbered(notice, "投標廠商:投標廠商")
    bidders: dict[str, dict[str, Any]] = {}
    winners: list[str] = []
    for number in sorted(tenderers):
        t = tenderers[number]
        code = re.sub(r"\D", "", t.get("廠商代碼", ""))
        name = t.get("廠商名稱", "")
        if not code and not name:
            continue
        pid = _party_id(code, name)
        party: dict[str, Any] = {"id": pid, "name": name, "roles": ["tenderer"]}
        if code:
            party["identifier"] = {"scheme": "TW-MOEA", "id": code, "legalName": name}
        if t.get("廠商地址"):
            party["address"] = {"streetAddress": t["廠商地址"], "countryName": "臺灣"}
        if t.get("廠商電話"):
            party["contactPoint"] = {"telephone": t["廠商電話"]}
        parties[pid] = party
        bidders[name] = party
        if code:
            bidders[code] = party
        if t.get("是否得標", "") in YES:
            winners.append(pid)
            party["roles"].append("supplier")
    count = _get(notice, "投標廠商:投標廠商家數")
    if count:
        if not count.isdigit():
            raise NoticeError("投標廠商:投標廠商家數", count, "number")
        release["tender"]["numberOfTenderers"] = int(count)
    bid_amounts: dict[str, int] = {}
    awards: list[dict[str, Any]] = []
    items = _items(notice)
    for item_no in sorted(items):
        for side in ("winners", "losers"):
            for rank, fields in sorted(items[item_no][side].items()):
                who = fields.get("得標廠商") or fields.get("未得標廠商") or ""
                code = re.sub(r"\D", "", fields.get("廠商代碼", ""))
                party = bidders.get(code) or bidders.get(who)
                if party is None:
                    party = {"id": _party_id(code, who), "name": who, "roles": ["tenderer"]}
                    if code:
                        party["identifier"] = {"scheme": "TW-MOEA", "id": code, "legalName": who}
                    parties[party["id"]] = party
                    bidders[who] = party
                price = fields.get("標價金額") or (
                    fields.get("決標金額") if side == "winners" else ""
                )
                label = "得標廠商" if side == "winners" else "未得標廠商"
                field_name = f"決標品項:第{item_no}品項:{label}{rank}"
                if price:
                    bid_amounts[party["id"]] = amount(price, f"{field_name}:標價金額")
                if side == "winners":
                    if "supplier" not in party["roles"]:
                        party["roles"].append("supplier")
                    if party["id"] not in winners:
                        winners.append(party["id"])
                    value = fields.get("決標金額")
                    award: dict[str, Any] = {
                        "id": f"{ocid}-award-{item_no}-{rank}",
                        "status": "active",
                        "date": award_date,
                        "suppliers": [{"id": party["id"], "name": party["name"]}],
                    }
                    if value:
                        award["value"] = {
                            "amount": amount(value, f"{field_name}:決標金額"),
                            "currency": "TWD",
                        }
                    awards.append(award)
    if not awards and winners:
        total = _get(notice, "決標資料:總決標金額")
        award = {
            "id": f"{ocid}-award-1",
            "status": "active",
            "date": award_date,
            "suppliers": [{"id": w, "name": parties[w]["name"]} for w in winners],
        }
        if total:
            award["value"] = {"amount": amount(total, "決標資料:總決標金額"), "currency": "TWD"}
        awards.append(award)
    if not awards:
        release["awards"] = [
            {"id": f"{ocid}-award-1", "status": "unsuccessful", "date": award_date}
        ]
    else:
        release["awards"] = awards
    bids = []
    for pid, party in {p["id"]: p for p in bidders.values()}.items():
        bid: dict[str, Any] = {
            "id": f"{ocid}-bid-{pid}",
            "status": "valid",
            "tenderers": [{"id": pid, "name": party["name"]}],
        }
        if pid in bid_amounts:
            bid["value"] = {"amount": bid_amounts[pid], "currency": "TWD"}
        bids.append(bid)
    if bids:
        release["bids"] = {"details": bids}
    start, end = _period(
        _get(notice, "決標資料:履約起迄日期", "決標資料:履約期限"), "決標資料:履約起迄日期"
    )
    contracts = []
    for award in awards:
        contract: dict[str, Any] = {
            "id": award["id"].replace("-award-", "-contract-", 1),
            "awardID": award["id"],
            "status": "active",
        }
        if "value" in award:
            contract["value"] = dict(award["value"])
        if start or end:
            contract["period"] = {k: v for k, v in (("startDate", start), ("endDate", end)) if v}
        contracts.append(contract)
    if contracts:
        release["contracts"] = contracts
