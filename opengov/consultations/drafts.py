"""Reading drafts written the way Taiwanese drafts are, and comparing texts. Pure functions.

A draft is a list of articles. `parse_draft()` reads plain text or Markdown:

- chapter and section headings: 「第一章 總則」, 「第二節 …」;
- article headings: 「第一條」, 「第 2 條」, 「第十條之一」, with the text on the same line or the
  following lines (Chinese numerals and Arabic digits, full-width or not, Markdown `#` and `**`
  around them allowed);
- the explanation column: a line 「說明：…」 (or 「說明」 alone) starts the article's explanation;
- amendment drafts: 「修正條文：」 and 「現行條文：」 lines inside an article, or a table (Markdown
  `| 修正條文 | 現行條文 | 說明 |` or tab-separated) with one article per row; 「（新增）」 in
  the current column marks a new article and 「（刪除）」 in the proposed column a deletion.

Lines that cannot be placed (text before the first article, table rows with no article
number, repeated numbers) are reported with their line numbers, never silently dropped.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _lazy

NUMERALS = "0-9０-９零〇○一二兩三四五六七八九十百千"
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
_LABEL = re.compile(
    r"^[【\[（(]?(說明|修正條文|現行條文|增訂條文|草案條文|原條文|條文)[】\]）)]?"
    r"\s*(?:[:：]\s*(.*))?$"
)
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
}


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


def _normalise(line: str) -> str:
    """The line with Markdown heading marks and bold/underline markers removed, for matching."""
    text = line.replace("**", "").replace("__", "").strip()
    return re.sub(r"^#{1,6}\s+", "", text).strip()


def _label(number: str, sub: str | None) -> str:
    label = "第" + re.sub(r"\s+", "", number) + "條"
    if sub:
        label += "之" + re.sub(r"\s+", "", sub)
    return label


def _match_article(text: str) -> tuple[str, int, int, str] | None:
    match = _ARTICLE.match(text)
    if not match:
        return None
    try:
        number = chinese_number(match.group(1))
        sub = chinese_number(match.group(2)) if match.group(2) else 0
    except ValueError:
        return None
    return _label(match.group(1), match.group(2)), number, sub, (match.group(3) or "").strip()


def _split_row(line: str) -> list[str]:
    if "\t" in line and "|" not in line:
        cells = line.split("\t")
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


def _strip_heading(cell: str) -> tuple[tuple[str, int, int, str] | None, str]:
    first, _, rest = cell.partition("\n")
    found = _match_article(_normalise(first))
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
        if self.chapter_heading(_normalise(proposed.split("\n")[0]) if proposed else ""):
            return
        heading, proposed_body = _strip_heading(proposed)
        current_heading, current_body = _strip_heading(current)
        heading = heading or current_heading
        if heading is None:
            if current and self.chapter_heading(_normalise(current.split("\n")[0])):
                return
            self.result.unplaced.append(UnplacedLine(line_no, raw.strip(), "row_without_number"))
            return
        article = self.start(heading, line_no)
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
        if "current_text" in self.roles:
            self.result.is_amendment = True

    def line(self, line_no: int, raw: str) -> None:
        stripped = raw.strip()
        if not stripped:
            return
        if self.roles is not None:
            if _TABLE_SEPARATOR.match(stripped):
                return
            if "|" in stripped or "\t" in raw:
                self.table_row(line_no, raw, _split_row(raw))
                return
            self.roles = None
        cells = _split_row(raw) if ("|" in stripped or "\t" in raw) else None
        if cells and len(cells) > 1:
            roles = _table_roles(cells)
            if roles is not None:
                self.roles = roles
                self.article = None
                return
        text = _normalise(raw)
        if self.chapter_heading(text):
            return
        found = _match_article(text)
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
            if role == "text" and rest:
                inner = _match_article(_normalise(rest))
                if inner:
                    rest = inner[3]
            if role == "current_text" and rest:
                inner = _match_article(_normalise(rest))
                if inner:
                    rest = inner[3]
                if _NEW_MARK.match(rest):
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


def parse_draft(text: str) -> ParseResult:
    """Read a draft (plain text or Markdown) into articles; see the module docstring."""
    parser = _Parser()
    for line_no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        parser.line(line_no, raw.replace("\ufeff", ""))
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
