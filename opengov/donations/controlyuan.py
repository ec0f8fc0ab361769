"""Reading the Control Yuan's published political-donation files (pure, no database).

The 25-column detail format of the disclosure platform and the older layouts that circulate
are recognised by their header names (synonyms folded), never by position. Files come in
UTF-8 (with or without a BOM) or Big5 / cp950. Each row is read as published: a broken
business number (lost leading zero, 9 digits, masked, failing the check digit), a masked or
missing ID, an anonymous placeholder is kept with a flag saying what is wrong, never repaired.
A row that cannot be read at all (an impossible date such as 113/02/30, a negative or
unreadable amount) is rejected with its position and reason; the caller refuses the whole file.

Each row carries `row_hash`: the SHA-256 of the JSON array of its cells as read
(`json.dumps(cells, ensure_ascii=False, separators=(",", ":"))` in UTF-8), so anyone can
recompute it from the published file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from opengov.core.identifiers import (
    business_number_ok,
    national_id_checksum_ok,
    parse_filed_date,
)
from opengov.core.identifiers import parse_amount as identifiers_parse_amount

from . import rules

#: canonical field -> header names seen in the published files (after `fold_header`)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "line": ("序號", "項次", "編號"),
    "recipient": ("擬參選人/政黨", "擬參選人", "候選人", "政黨", "姓名", "參選人", "受贈者"),
    "election": ("選舉名稱", "屆數", "選舉別", "選舉"),
    "filing": ("申報序號/年度", "申報序號", "年度"),
    "date": ("交易日期", "日期", "捐贈日期"),
    "account": ("收支科目", "科目"),
    "donor": ("捐贈者/支出對象", "捐贈者", "支出對象", "捐贈人"),
    "donor_id": ("身分證/統一編號", "身分證/統一編", "統一編號", "身分證字號", "身分證"),
    "income": ("收入金額", "收入", "金額"),
    "expenditure": ("支出金額", "支出"),
    "method": ("捐贈方式",),
    "deposit_date": ("存入專戶日期",),
    "returned": ("返還/繳庫",),
    "purpose": ("支出用途",),
    "monetary": ("金錢類",),
    "address": ("地址",),
    "phone": ("聯絡電話",),
    "correction": ("更正註記",),
    "corrected_on": ("資料更正日期",),
}
#: what a file must have, whatever its layout
REQUIRED = ("recipient", "date", "donor", "donor_id", "income")

ANONYMOUS_ID = re.compile(r"^(無|不詳|匿名|-+|—+|0+)$")


class LayoutError(ValueError):
    """The header does not name the columns a donation file needs."""

    def __init__(self, found: list[str], missing: list[str]) -> None:
        super().__init__(f"missing columns {missing}; found {found}")
        self.found = found
        self.missing = missing


def fold_header(text: str) -> str:
    """A header name with widths folded, spaces and BOM removed, 身份 read as 身分."""
    text = unicodedata.normalize("NFKC", text or "").replace("\ufeff", "")
    text = re.sub(r"\s+", "", text).replace("身份", "身分").replace("／", "/")
    return text


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (a BOM is dropped), else Big5 / cp950."""
    encoding = detect_encoding(data)
    return data.decode(encoding), encoding


def detect_encoding(data: bytes, chunk: int = 1 << 20) -> str:
    """ "utf-8-sig" (a BOM), "utf-8", or "cp950" (Big5), checked over the whole file without
    keeping the decoded text; UnicodeDecodeError when it is neither."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp950"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), chunk):
                decoder.decode(data[start : start + chunk])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            if encoding == "cp950":
                raise
            continue
        return encoding
    raise AssertionError("unreachable")


def match_columns(
    header: list[str], synonyms: dict[str, tuple[str, ...]] = SYNONYMS
) -> dict[str, int]:
    """Canonical field -> column index of the fields the header names (each column read
    once, the first synonym found winning)."""
    folded = [fold_header(h) for h in header]
    found: dict[str, int] = {}
    for name, words in synonyms.items():
        for word in words:
            if word in folded and folded.index(word) not in found.values():
                found[name] = folded.index(word)
                break
    return found


def field_of(column: str) -> str:
    """The canonical field a column name stands for ("" for a column the files do not have)."""
    folded = fold_header(column)
    return next((name for name, words in SYNONYMS.items() if folded in words), "")


def map_header(header: list[str]) -> dict[str, int]:
    """Canonical field -> column index; raises LayoutError when a needed column is missing."""
    found = match_columns(header)
    if "income" not in found and "expenditure" in found:
        found["income"] = -1  # an expenditure-only file
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise LayoutError([h for h in header if h.strip()], missing)
    return found


def layout_name(columns: dict[str, int]) -> str:
    """A short name for the layout read: the 25-column format or an older one."""
    if {"filing", "method", "correction"} <= set(columns):
        return "cy25"
    return "older"


def parse_date(text: str) -> dt.date:
    """A Minguo date (`1130507`, `113/05/07`, `096/12/26`, `104/11/4`) or an AD one
    (`2024-05-07`); ValueError for an impossible or unreadable date (113/02/30)."""
    return parse_filed_date(text)


def parse_amount(text: str) -> int:
    """Whole NT$ from "308,100元", "162000.00", "NT$5,000" or "" (0); ValueError otherwise."""
    if not (text or "").strip():
        return 0
    return identifiers_parse_amount(text)


@dataclass(frozen=True)
class DonorId:
    """What the ID column says: a business number (kept only when 8 digits), a masked personal
    ID, and the flags of what is wrong with it."""

    business_number: str = ""
    masked_id: str = ""
    flags: tuple[str, ...] = ()


def read_donor_id(raw: str, *, on: dt.date | None, anonymous: bool) -> DonorId:
    """Classify the ID column of one row. Flags: `bn_lost_zero` (7 digits, as a spreadsheet
    leaves an 8-digit number that began with 0), `bn_length` (other digit counts, e.g. 9),
    `bn_masked` (digits hidden with *), `bn_checksum` (8 digits failing the check digit
    rule in force on the date), `bn_not_digits`, `id_masked` (a personal ID as published),
    `id_unmasked` (a full personal ID: stored masked), `id_missing`."""
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw or "")).upper()
    if not value or ANONYMOUS_ID.match(value):
        return DonorId(flags=() if anonymous else ("id_missing",))
    hidden = "*" in value or "○" in value or re.search(r"X{2,}", value[1:]) is not None
    if value[0].isalpha():
        if hidden:
            return DonorId(masked_id=value[:20], flags=("id_masked",))
        if national_id_checksum_ok(value):
            return DonorId(masked_id=value[:6] + "*" * 4, flags=("id_unmasked",))
        return DonorId(masked_id=value[:20], flags=("id_invalid",))
    if hidden:
        return DonorId(flags=("bn_masked",))
    if not value.isdigit():
        return DonorId(flags=("bn_not_digits",))
    if len(value) == 7:
        return DonorId(flags=("bn_lost_zero",))
    if len(value) != 8:
        return DonorId(flags=("bn_length",))
    if not business_number_ok(value, on):
        return DonorId(business_number=value, flags=("bn_checksum",))
    return DonorId(business_number=value)


@dataclass
class Row:
    """One readable row: the fields the app keeps, the cells as read and their hash."""

    position: int  # line in the file, the header being line 1
    cells: list[str]
    row_hash: str
    recipient: str
    election: str
    filing: str
    line: str
    date: dt.date | None
    date_raw: str
    account: str
    donor_kind: str
    donor_name: str
    donor_id_raw: str
    business_number: str
    masked_id: str
    income: int
    expenditure: int
    method: str
    monetary: str
    address: str
    correction: str
    flags: list[str] = field(default_factory=list)
    corrected_on: str = ""  # 資料更正日期 as published

    def raw(self, header: list[str]) -> dict[str, str]:
        """The row as read, header -> cell."""
        return dict(zip(header, self.cells, strict=False))


@dataclass(frozen=True)
class Rejection:
    """A row that cannot be read: its line in the file, the column and the reason."""

    position: int
    field: str
    reason: str
    value: str

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.position,
            "field": self.field,
            "reason": self.reason,
            "value": self.value,
        }


def row_hash(cells: list[str]) -> str:
    """SHA-256 of the row's cells as read (see the module docstring)."""
    data = json.dumps(cells, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(data).hexdigest()


def _kind_from_id(donor: DonorId, anonymous: bool) -> str:
    if anonymous:
        return "anonymous"
    if donor.masked_id:
        return "individual"
    if any(f.startswith("bn_") for f in donor.flags) or donor.business_number:
        return "company"
    return "other"


def read_row(
    cells: list[str],
    columns: dict[str, int],
    position: int,
    *,
    election: str = "",
    hashed: bool = True,
) -> Row | Rejection:
    """One row, read with the header's column map, or the reason it cannot be read
    (`hashed=False`: without its hash, for a pass that only checks)."""
    width = len(cells)
    values = {name: cells[i].strip() if 0 <= i < width else "" for name, i in columns.items()}
    cell = values.get

    if not cell("recipient", ""):
        return Rejection(position, "recipient", "no candidate or party named", "")
    date_raw = cell("date", "")
    date: dt.date | None = None
    flags: list[str] = []
    if date_raw:
        try:
            date = parse_date(date_raw)
        except ValueError:
            return Rejection(position, "date", "impossible or unreadable date", date_raw)
    else:
        flags.append("date_missing")
    amounts = {}
    for name in ("income", "expenditure"):
        try:
            amounts[name] = parse_amount(cell(name, ""))
        except ValueError:
            return Rejection(position, name, "unreadable amount", cell(name, ""))
        if amounts[name] < 0:
            return Rejection(position, name, "negative amount", cell(name, ""))
    donor_name = cell("donor", "")
    account = cell("account", "")
    anonymous = "匿名" in account or rules.is_anonymous_name(donor_name)
    donor = read_donor_id(cell("donor_id", ""), on=date, anonymous=anonymous)
    flags.extend(donor.flags)
    if anonymous:
        flags.append("anonymous")
    if account:
        kind = rules.donor_kind_for(account, amounts["income"], amounts["expenditure"])
        if anonymous and kind != "expense":
            kind = "anonymous"
    elif amounts["expenditure"] and not amounts["income"]:
        kind = "expense"
    else:
        kind = _kind_from_id(donor, anonymous)
    return Row(
        position=position,
        cells=cells,
        row_hash=row_hash(cells) if hashed else "",
        recipient=cell("recipient", ""),
        election=cell("election", "") or election,
        filing=cell("filing", ""),
        line=cell("line", "") or str(position),
        date=date,
        date_raw=date_raw,
        account=account,
        donor_kind=kind,
        donor_name=donor_name,
        donor_id_raw=cell("donor_id", ""),
        business_number=donor.business_number,
        masked_id=donor.masked_id,
        income=amounts["income"],
        expenditure=amounts["expenditure"],
        method=cell("method", ""),
        monetary=cell("monetary", ""),
        address=cell("address", ""),
        correction=cell("correction", ""),
        flags=flags,
        corrected_on=cell("corrected_on", ""),
    )


@dataclass
class Parsed:
    """A whole file read: its encoding, layout, header, rows and rejections."""

    encoding: str
    layout: str
    header: list[str]
    rows: list[Row]
    rejections: list[Rejection]


def iter_file(
    data: bytes, *, mapper: Callable[[list[str]], dict[str, int]] = map_header
) -> tuple[str, list[str], dict[str, int], Iterator[tuple[int, list[str]]]]:
    """(encoding, header, column map, (position, cells) of each data row), decoding as it
    reads; raises LayoutError for an unknown layout and UnicodeDecodeError for text in
    neither encoding. `mapper` maps the header (the detail files' `map_header` unless a
    correction list's is given)."""
    encoding = detect_encoding(data)
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    header: list[str] = []
    for cells in reader:
        if any(c.strip() for c in cells):
            header = cells
            break
    columns = mapper(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for cells in reader:
            if any(c.strip() for c in cells):
                yield reader.line_num, cells

    return encoding, header, columns, rows()


def read_rows(data: bytes, *, election: str = "") -> Iterator[Row | Rejection]:
    """Every row of a file, read (a second pass after a clean check reads it this way)."""
    _encoding, _header, columns, rows = iter_file(data)
    for position, cells in rows:
        yield read_row(cells, columns, position, election=election)


def parse(data: bytes, *, election: str = "") -> Parsed:
    """Read a whole file (rows and rejections); raises LayoutError / UnicodeDecodeError."""
    encoding, header, columns, rows = iter_file(data)
    read, rejected = [], []
    for position, cells in rows:
        result = read_row(cells, columns, position, election=election)
        (rejected if isinstance(result, Rejection) else read).append(result)
    return Parsed(encoding, layout_name(columns), header, read, rejected)
