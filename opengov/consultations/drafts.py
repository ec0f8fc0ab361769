"""Reading drafts written the way Taiwanese drafts are, and comparing texts. Pure functions.

A draft is a list of articles. `parse_draft()` reads plain text or Markdown:

- chapter and section headings: 「第一章 總則」, 「第二節 …」;
- article headings: 「第一條」, 「第 2 條」, 「第十條之一」, with the text on the same line or the
  following lines (Chinese numerals and Arabic digits, full-width or not, Markdown `#` and `**`
  around them allowed);
- the explanation column: a line 「說明：…」 (or 「說明」 alone) starts the article's explanation;
- amendment drafts: 「修正條文：」 and 「現行條文：」 lines inside an article, or a table (修正草案
  對照表: Markdown `| 修正條文 | 現行條文 | 說明 |`, full-width `｜`, or tab-separated, as Word
  and spreadsheets copy them, with quoted cells over several lines) with one article per
  row; 「（新增）」 or an empty current column marks a new article, 「（刪除）」 in the proposed
  column a deletion;
- administrative rules (行政規則): a table with 「修正規定｜現行規定｜說明」 columns, whose rows
  are points numbered 「一、」「二、」 (or 「第一點」) instead of articles;
- a 說明 over several lines: a row whose article columns are empty, or lines without a
  separator after a row, continue the row above;
- the draft's title (a line before the text ending in 草案, 對照表 or 總說明) and its 總說明
  (general explanation: from 「總說明」 to the table or the first article) are kept apart
  (`ParseResult.title`, `ParseResult.general_explanation`), not reported as unplaced.

An article's label keeps the spacing it was written with (「第 5 條」, 「第五條」). Lines that
cannot be placed (text before the first article, table rows with no article number, repeated
numbers) are reported with their line numbers, never silently dropped.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _lazy

NUMERALS = "0-9０-９零〇○一二兩三四五六七八九十百千"
#: the numerals a point of an administrative rule is numbered with (「十二、」)
POINT_NUMERALS = "零〇一二三四五六七八九十百"
_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}

_ARTICLE = re.compile(
    rf"^第\s*([{NUMERALS}]+)\s*條(?:\s*之\s*([{NUMERALS}]+))?(?:[\s:：]+(.*)|$)", re.S
)
_CHAPTER = re.compile(rf"^第\s*([{NUMERALS}]+)\s*(章|節|編)(?:[\s:：]+(.*)|$)")
_POINT = re.compile(
    rf"^(?:([{POINT_NUMERALS}]+)\s*、|第\s*([{NUMERALS}]+)\s*點(?:[\s:：]+|$))\s*(.*)$", re.S
)
_LABEL = re.compile(
    r"^[【\[（(]?(說明|修正條文|現行條文|增訂條文|草案條文|原條文|條文|修正規定|現行規定|增訂規定|"
    r"草案規定|原規定)[】\]）)]?\s*(?:[:：]\s*(.*))?$"
)
#: a title line before the text: 「○○法部分條文修正草案」「…條文對照表」「…總說明」
_TITLE = re.compile(r"(草案|對照表|總說明)[)）]?$")
#: the heading of the general explanation, alone or followed by its first words
_GENERAL = re.compile(r"^[【\[（(]?總說明[】\]）)]?\s*(?:[:：]\s*(.*))?$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_BR = re.compile(r"<br\s*/?>", re.I)
_NEW_MARK = re.compile(r"^[（(]?\s*(本條)?新增\s*[)）]?$")
_DELETED_MARK = re.compile(r"^[（(]?\s*(本條)?刪除\s*[)）]?$")
DELETED = "（刪除）"

_COLUMN_ROLES = {
    "修正條文": "text",
    "增訂條文": "text",
    "草案條文": "text",
    "條文": "text",
    "現行條文": "current_text",
    "原條文": "current_text",
    "說明": "explanation",
    "修正規定": "text",
    "增訂規定": "text",
    "草案規定": "text",
    "現行規定": "current_text",
    "原規定": "current_text",
}
#: column names that say the rows are points of an administrative rule, not articles
_POINT_COLUMNS = frozenset({"修正規定", "增訂規定", "草案規定", "現行規定", "原規定"})


def chinese_number(value: str) -> int:
    """「十一」→ 11, 「一百零二」→ 102, 「二〇」→ 20, "12" → 12; ValueError if not a number."""
    value = unicodedata.normalize("NFKC", value).strip()
    if not value:
        raise ValueError("empty number")
    if value.isdigit():
        return int(value)
    if not any(ch in _UNITS for ch in value):
        # 「二〇」 style: digit by digit
        digits = [_DIGITS.get(ch) for ch in value]
        if None in digits:
            raise ValueError(f"not a number: {value!r}")
        return int("".join(str(d) for d in digits))
    total, current = 0, 0
    for ch in value:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            raise ValueError(f"not a number: {value!r}")
    return total + current


@dataclass
class ParsedArticle:
    """One article read from a draft."""

    label: str
    number: int
    sub_number: int
    chapter: str
    line: int
    text: str = ""
    current_text: str = ""
    explanation: str = ""

    @property
    def key(self) -> tuple[int, int]:
        """(number, sub-number): 「第十條之一」 is (10, 1)."""
        return (self.number, self.sub_number)

    def as_dict(self) -> dict[str, str]:
        """The fields an Article is created from."""
        return {
            "label": self.label,
            "chapter": self.chapter,
            "text": self.text,
            "current_text": self.current_text,
            "explanation": self.explanation,
        }


REASONS = {
    "before_first_article": _lazy("before the first article"),
    "row_without_number": _lazy("table row without an article number"),
    "repeated_number": _lazy("%(label)s appears twice"),
    "after_repeated_number": _lazy("after a repeated article number"),
}


@dataclass
class UnplacedLine:
    """A line of the file that is not part of any article; `reason` is a code of REASONS."""

    line: int
    text: str
    reason: str
    label: str = ""

    @property
    def message(self) -> str:
        """The reason in the reader's language."""
        return str(REASONS[self.reason]) % {"label": self.label}


@dataclass
class ParseResult:
    """Articles in order, chapters seen, lines that could not be placed."""

    articles: list[ParsedArticle] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)
    unplaced: list[UnplacedLine] = field(default_factory=list)
    is_amendment: bool = False
    title: str = ""
    general_explanation: str = ""


def _normalise(line: str) -> str:
    """The line with Markdown heading marks and bold/underline markers removed, for matching."""
    text = line.replace("**", "").replace("__", "").strip()
    return re.sub(r"^#{1,6}\s+", "", text).strip()


def _label(heading: str) -> str:
    """The heading as written, runs of spaces (full-width too) made one space."""
    return re.sub(r"\s+", " ", heading).strip()


def _match_article(text: str) -> tuple[str, int, int, str] | None:
    match = _ARTICLE.match(text)
    if not match:
        return None
    try:
        number = chinese_number(match.group(1))
        sub = chinese_number(match.group(2)) if match.group(2) else 0
    except ValueError:
        return None
    heading = text[: match.start(3)] if match.group(3) is not None else text
    return _label(heading.rstrip(" \t\u3000:：")), number, sub, (match.group(3) or "").strip()


def _match_point(text: str) -> tuple[str, int, int, str] | None:
    """「三、本要點…」 or 「第三點 本要點…」: (label 「第三點」, 3, 0, the text)."""
    match = _POINT.match(text)
    if not match:
        return None
    numeral = match.group(1) or match.group(2)
    try:
        number = chinese_number(numeral)
    except ValueError:
        return None
    return _label(f"第{numeral}點"), number, 0, (match.group(3) or "").strip()


def _split_row(line: str) -> list[str]:
    if "\t" in line and "|" not in line:
        cells = next(csv.reader([line], delimiter="\t")) if '"' in line else line.split("\t")
    else:
        stripped = line.strip()
        if stripped.startswith("|"):
            stripped = stripped[1:]
        if stripped.endswith("|") and not stripped.endswith("\\|"):
            stripped = stripped[:-1]
        cells = re.split(r"(?<!\\)\|", stripped)
    return [_BR.sub("\n", c.replace("\\|", "|")).strip() for c in cells]


def _table_roles(cells: list[str]) -> list[str | None] | None:
    roles = [_COLUMN_ROLES.get(_normalise(c)) for c in cells]
    if "text" in roles and ("explanation" in roles or "current_text" in roles):
        return roles
    return None


def _strip_heading(cell: str, points: bool = False) -> tuple[tuple[str, int, int, str] | None, str]:
    first, _, rest = cell.partition("\n")
    found = _match_article(_normalise(first))
    if not found and points:
        found = _match_point(_normalise(first))
    if not found:
        return None, cell.strip()
    body = "\n".join(part for part in (found[3], rest.strip()) if part)
    return found, body


class _Parser:
    def __init__(self) -> None:
        self.result = ParseResult()
        self.chapter = ""
        self.part = ""
        self.article: ParsedArticle | None = None
        self.mode = "text"
        self.roles: list[str | None] | None = None
        self.points = False  # the table's rows are points of an administrative rule
        self.row_article: ParsedArticle | None = None  # the table row lines may continue
        self.row_role: str | None = None
        self.general = False  # reading the 總說明
        self.seen: dict[tuple[int, int], int] = {}

    def chapter_heading(self, text: str) -> bool:
        match = _CHAPTER.match(text)
        if not match:
            return False
        try:
            chinese_number(match.group(1))
        except ValueError:
            return False
        heading = re.sub(r"\s+", " ", text).strip()
        if match.group(2) == "節" and self.part:
            self.chapter = f"{self.part} {heading}"
        else:
            self.part = heading
            self.chapter = heading
        self.result.chapters.append(self.chapter)
        self.article = None
        return True

    def start(self, found: tuple[str, int, int, str], line_no: int) -> ParsedArticle | None:
        label, number, sub, _rest = found
        if (number, sub) in self.seen:
            return None
        self.seen[(number, sub)] = line_no
        article = ParsedArticle(
            label=label, number=number, sub_number=sub, chapter=self.chapter, line=line_no
        )
        self.result.articles.append(article)
        return article

    def append(self, value: str) -> None:
        assert self.article is not None
        current = getattr(self.article, self.mode)
        setattr(self.article, self.mode, f"{current}\n{value}" if current else value)

    def table_row(self, line_no: int, raw: str, cells: list[str]) -> None:
        assert self.roles is not None
        values: dict[str, str] = {}
        for role, cell in zip(self.roles, cells, strict=False):
            if role and role not in values:
                values[role] = cell
        proposed = values.get("text", "")
        current = values.get("current_text", "")
        if not any(values.values()):
            return
        if not proposed and not current and self.row_article is not None:
            # the article columns are empty: the row continues the one above (a 說明 that
            # runs over several rows)
            for role, value in values.items():
                if value:
                    self._continue_row(role, value)
            return
        if self.chapter_heading(_normalise(proposed.split("\n")[0]) if proposed else ""):
            self.row_article = None
            return
        heading, proposed_body = _strip_heading(proposed, self.points)
        current_heading, current_body = _strip_heading(current, self.points)
        heading = heading or current_heading
        if heading is None:
            self.row_article = None
            if current and self.chapter_heading(_normalise(current.split("\n")[0])):
                return
            self.result.unplaced.append(UnplacedLine(line_no, raw.strip(), "row_without_number"))
            return
        article = self.start(heading, line_no)
        self.row_article = article
        if article is None:
            self.result.unplaced.append(
                UnplacedLine(line_no, raw.strip(), "repeated_number", heading[0])
            )
            return
        if _NEW_MARK.match(current_body.strip()):
            current_body = ""
        if _DELETED_MARK.match(proposed_body.strip()):
            proposed_body = DELETED
        article.text = proposed_body
        article.current_text = current_body
        article.explanation = values.get("explanation", "")
        filled = [role for role, cell in zip(self.roles, cells, strict=False) if role and cell]
        self.row_role = filled[-1] if filled else None
        if "current_text" in self.roles:
            self.result.is_amendment = True

    def _continue_row(self, role: str, value: str) -> None:
        assert self.row_article is not None
        current = getattr(self.row_article, role)
        setattr(self.row_article, role, f"{current}\n{value}" if current else value)
        self.row_role = role

    def before_text(self, stripped: str, text: str) -> bool:
        """The title and the 總說明 before the first article; True if the line was one."""
        if self.result.articles or self.roles is not None:
            return False
        general = _GENERAL.match(text)
        if general:
            self.general = True
            if general.group(1):
                self._general_line(general.group(1).strip())
            return True
        if (
            _TITLE.search(text)
            and len(text) <= 120
            and not (self.general and text.endswith("草案"))
        ):
            self.general = text.endswith("總說明")
            if not self.result.title:
                self.result.title = re.sub(r"(?:條文)?對照表$|總說明$", "", text).strip()
            return True
        if self.general:
            self._general_line(stripped)
            return True
        return False

    def _general_line(self, text: str) -> None:
        current = self.result.general_explanation
        self.result.general_explanation = f"{current}\n{text}" if current else text

    def table_line(self, line_no: int, raw: str, stripped: str) -> bool:
        """A line while a table is open; False when it ends the table (and is read as text)."""
        if _TABLE_SEPARATOR.match(stripped):
            return True
        if "|" in stripped or "\t" in raw:
            self.table_row(line_no, raw, _split_row(raw))
            return True
        text = _normalise(raw)
        if (
            self.row_article is not None
            and self.row_role is not None
            and not _CHAPTER.match(text)
            and not _match_article(text)
            and not (self.points and _match_point(text))
        ):
            # a line without separators after a row: its last cell runs on
            self._continue_row(self.row_role, stripped)
            return True
        self.roles = None
        self.row_article = None
        return False

    def line(self, line_no: int, raw: str) -> None:
        raw = raw.replace("｜", "|")
        stripped = raw.strip()
        if not stripped:
            return
        if self.roles is not None and self.table_line(line_no, raw, stripped):
            return
        cells = _split_row(raw) if ("|" in stripped or "\t" in raw) else None
        if cells and len(cells) > 1:
            roles = _table_roles(cells)
            if roles is not None:
                self.roles = roles
                self.points = any(_normalise(c) in _POINT_COLUMNS for c in cells)
                self.article = None
                self.row_article = None
                self.general = False
                return
        text = _normalise(raw)
        if self.chapter_heading(text):
            self.general = False
            return
        found = _match_article(text)
        if not found and self.before_text(stripped, text):
            return
        self.general = False
        if found:
            article = self.start(found, line_no)
            if article is None:
                self.article = None
                self.result.unplaced.append(
                    UnplacedLine(line_no, stripped, "repeated_number", found[0])
                )
                return
            self.article = article
            self.mode = "text"
            if found[3]:
                self.append(found[3])
            return
        label = _LABEL.match(text)
        if label and self.article is not None:
            role = _COLUMN_ROLES[label.group(1)]
            self.mode = role
            if role == "current_text":
                self.result.is_amendment = True
            rest = (label.group(2) or "").strip()
            if role in ("text", "current_text") and rest:
                inner = _match_article(_normalise(rest))
                if inner:
                    rest = inner[3]
            if role == "current_text" and _NEW_MARK.match(rest):
                rest = ""
            if rest:
                self.append(rest)
            return
        if self.article is None:
            reason = "before_first_article" if not self.result.articles else "after_repeated_number"
            self.result.unplaced.append(UnplacedLine(line_no, stripped, reason))
            return
        self.append(raw.rstrip())

    def finish(self) -> ParseResult:
        for article in self.result.articles:
            article.text = article.text.strip()
            article.current_text = article.current_text.strip()
            article.explanation = article.explanation.strip()
            if _DELETED_MARK.match(article.text) and article.current_text:
                article.text = DELETED
            if article.current_text:
                self.result.is_amendment = True
        return self.result


def _open_quote(line: str) -> bool:
    """Whether a tab-separated line ends inside a quoted cell (a spreadsheet's multi-line cell)."""
    if "\t" not in line or "|" in line:
        return False
    inside, at_start, index = False, True, 0
    while index < len(line):
        char = line[index]
        if inside:
            if char == '"':
                if line[index + 1 : index + 2] == '"':
                    index += 1
                else:
                    inside = False
        elif at_start and char == '"':
            inside = True
        at_start = char == "\t" and not inside
        index += 1
    return inside


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """The lines with their numbers; a quoted tab-separated cell over several lines is one."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    joined: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        line_no, line = index + 1, lines[index].replace("\ufeff", "")
        while _open_quote(line) and index + 1 < len(lines):
            index += 1
            line = f"{line}\n{lines[index]}"
        joined.append((line_no, line))
        index += 1
    return joined


def parse_draft(text: str) -> ParseResult:
    """Read a draft (plain text or Markdown) into articles; see the module docstring."""
    parser = _Parser()
    for line_no, raw in _logical_lines(text):
        parser.line(line_no, raw)
    return parser.finish()


def diff_segments(old: str, new: str) -> list[tuple[str, str]]:
    """Character-level difference (Chinese has no spaces): [(op, text)], op in =, -, +."""
    matcher = difflib.SequenceMatcher(None, old or "", new or "", autojunk=False)
    segments: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(("=", old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            segments.append(("-", old[i1:i2]))
        if tag in ("insert", "replace"):
            segments.append(("+", new[j1:j2]))
    return segments


def diff_html(old: str, new: str) -> SafeString:
    """The difference as escaped HTML with <del> and <ins> (words say which is which too)."""
    parts = []
    for op, text in diff_segments(old, new):
        if op == "=":
            parts.append(escape(text))
        elif op == "-":
            parts.append(f"<del>{escape(text)}</del>")
        else:
            parts.append(f"<ins>{escape(text)}</ins>")
    return mark_safe("".join(parts))
