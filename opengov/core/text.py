"""User text is sanitised once, here.

Markdown is rendered with markdown-it-py (raw HTML disabled) and the result is cleaned by nh3
(the Ammonia sanitiser) with a small allow-list, so no page can be made to run script.
Plain text fields are escaped by the templates; `clean_plain()` only removes control characters.
Feeds and other documents whose HTML is read by other programs (feed readers run what an Atom
`<summary type="html">` holds) take `plain_to_html()` or `render_markdown()`, never raw text.
"""

from __future__ import annotations

import re

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.disable(["image"])

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def clean_plain(value: str) -> str:
    """Strip control and bidi-override characters and surrounding white space."""
    return _CONTROL.sub("", value or "").strip()


def _truncate(value: str, limit: int | None) -> str:
    value = clean_plain(value)
    if limit is not None and len(value) > limit:
        return value[: max(limit - 1, 0)].rstrip() + "…"
    return value


def _sanitise(html: str) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(cleaned)


def render_markdown(value: str, *, limit: int | None = None) -> SafeString:
    """Markdown to sanitised HTML, safe to put in a page or a feed (at most `limit`
    characters of source)."""
    return _sanitise(_md.render(_truncate(value, limit)))


def plain_to_html(value: str, *, limit: int | None = None) -> SafeString:
    """Plain text to sanitised HTML paragraphs (every `<` is text, never a tag)."""
    return _sanitise(linebreaks(_truncate(value, limit), autoescape=True))
