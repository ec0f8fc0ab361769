"""The ownership network of one entity, drawn on the server as SVG.

Owners sit above what they own, one row per level (the subject's direct holders one row up,
their holders above them, ...), entities the subject holds below it; at most two boxes a row,
so the drawing stays readable on a 360-px phone. Nothing relies on colour: persons have round
corners, entities square ones, the subject a thick border, ultimate owners a double border and
a star; a direct interest is a solid line, an interest declared indirect a dashed line, and an
ultimate owner's computed indirect interest a dotted line straight to the subject, each with
its share as text. The page gives the same facts as a table; the SVG has a title and a
description. No JavaScript, no inline styles; every text is escaped.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INK = "#1b1f24"
MUTED = "#4a5360"
LINE = "#3d4650"
FONT = 'system-ui, -apple-system, "Segoe UI", "Noto Sans TC", "PingFang TC", sans-serif'

WIDTH = 400
COLUMNS = 2
BOX_W = 172
BOX_H = 46
ROW_H = 104
MARGIN = 14
NAME_UNITS = 24  # half-width units that fit in a box at 13 px


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _fit(text: str, units: int = NAME_UNITS) -> str:
    used, out = 0, []
    for ch in text:
        if used + _width(ch) > units:
            return "".join(out).rstrip() + "…"
        out.append(ch)
        used += _width(ch)
    return "".join(out)


@dataclass
class _Box:
    key: str
    name: str
    is_person: bool
    is_subject: bool
    is_owner: bool
    level: int
    x: float = 0
    y: float = 0


def _levels(subject: str, links: list[tuple[str, str]]) -> dict[str, int]:
    """Rows: 0 for the subject, +n for owners n steps up (shortest), -1 for what it holds."""
    up: dict[str, list[str]] = defaultdict(list)
    for owner, owned in links:
        up[owned].append(owner)
    level = {subject: 0}
    frontier = [subject]
    while frontier:
        nxt = []
        for key in frontier:
            for owner in up.get(key, ()):
                if owner not in level:
                    level[owner] = level[key] + 1
                    nxt.append(owner)
        frontier = nxt
    for owner, owned in links:
        if owner == subject and owned not in level:
            level[owned] = -1
    for owner, owned in links:  # anything else (linked only sideways): beside its partner
        for key, other in ((owner, owned), (owned, owner)):
            if key not in level and other in level:
                level[key] = level[other]
    return level


def network_svg(view: dict[str, Any], *, prefix: str = "net") -> SafeString:
    """The drawing of a public or restricted view (`selectors.public_view` /
    `restricted_view`)."""
    subject = view["subject"]
    parties: dict[str, dict[str, Any]] = {subject["id"]: subject}
    edges: list[tuple[str, str, str, str]] = []  # owner, owned, label, style
    for link in view["links"]:
        parties[link["owner"]["id"]] = link["owner"]
        parties[link["owned"]["id"]] = link["owned"]
        label = link.get("share") or link.get("band") or link.get("interest_label", "")
        style = "dashed" if link["direct_or_indirect"] == "indirect" else "solid"
        edges.append((link["owner"]["id"], link["owned"]["id"], label, style))
    owners = set()
    for owner in view["owners"]:
        person = owner["person"]
        parties[person["id"]] = person
        owners.add(person["id"])
        if not owner["direct"] and owner.get("basis") == "ownership":
            label = owner.get("share") or owner.get("band") or ""
            edges.append(
                (person["id"], subject["id"], _("ultimate %(s)s") % {"s": label}, "dotted")
            )
    level = _levels(subject["id"], [(a, b) for a, b, _l, s in edges if s != "dotted"])
    for key in parties:
        level.setdefault(key, 1)
    rows: dict[int, list[str]] = defaultdict(list)
    for key in sorted(parties, key=lambda k: (parties[k]["name"], k)):
        rows[level[key]].append(key)
    boxes: dict[str, _Box] = {}
    y = MARGIN
    for lvl in sorted(rows, reverse=True):
        keys = rows[lvl]
        for start in range(0, len(keys), COLUMNS):
            chunk = keys[start : start + COLUMNS]
            gap = (WIDTH - 2 * MARGIN - len(chunk) * BOX_W) / (len(chunk) + 1)
            for i, key in enumerate(chunk):
                p = parties[key]
                boxes[key] = _Box(
                    key,
                    p["name"] or "—",
                    p["kind"] == "person",
                    key == subject["id"],
                    key in owners,
                    lvl,
                    MARGIN + gap + i * (BOX_W + gap),
                    y,
                )
            y += ROW_H
    height = y - ROW_H + BOX_H + 2 * MARGIN + 84
    body = [_defs(prefix)]
    captions = []
    for owner, owned, label, style in edges:
        a, b = boxes.get(owner), boxes.get(owned)
        if a is None or b is None:
            continue
        line, caption = _edge(a, b, label, style, prefix)
        body.append(line)
        captions.append(caption)
    for box in boxes.values():
        body.append(_box(box))
    body.extend(captions)
    body.append(_legend(height - 80))
    title = _("Ownership network of %(name)s") % {"name": subject["name"]}
    desc = _(
        "%(owners)d ultimate owner(s), %(links)d link(s). Owners are drawn above what they own. "
        "The table below gives the same information."
    ) % {"owners": len(owners), "links": len(view["links"])}
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart ownership-network" '
        f'viewBox="0 0 {WIDTH} {int(height)}" role="img" '
        f'aria-labelledby="{prefix}-t {prefix}-d" font-family=\'{FONT}\' font-size="13" '
        f'fill="{INK}"><title id="{prefix}-t">{escape(title)}</title>'
        f'<desc id="{prefix}-d">{escape(desc)}</desc>{"".join(body)}</svg>'
    )


def _defs(prefix: str) -> str:
    return (
        f'<defs><marker id="{prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0 0L10 5L0 10z" fill="{LINE}"/></marker></defs>'
    )


def _edge(a: _Box, b: _Box, label: str, style: str, prefix: str) -> tuple[str, str]:
    """The line of one interest and its caption (drawn last, above the boxes)."""
    dash = {"dashed": ' stroke-dasharray="7 4"', "dotted": ' stroke-dasharray="2 4"'}.get(style, "")
    if style == "dotted":
        # an ultimate owner's computed interest bends out to the left, clear of the chain
        x1, y1 = a.x, a.y + BOX_H / 2
        x2, y2 = b.x, b.y + BOX_H / 2
        path = (
            f"M{x1:.0f} {y1:.0f}C{MARGIN / 2:.0f} {y1:.0f} {MARGIN / 2:.0f} {y2:.0f} "
            f"{x2:.0f} {y2:.0f}"
        )
        lx, ly, anchor = MARGIN / 2 + 2, (y1 + y2) / 2 + 4, "start"
    elif a.level <= b.level:
        # upwards or sideways (a cycle): from the top of the holder, right of centre, to the
        # bottom of what it holds, right of centre
        x1, y1 = a.x + BOX_W * 0.78, a.y
        x2, y2 = b.x + BOX_W * 0.78, b.y + BOX_H
        if a.level == b.level:
            y1, y2 = a.y + BOX_H / 2, b.y + BOX_H / 2
            x1 = a.x + (BOX_W if a.x < b.x else 0)
            x2 = b.x + (0 if a.x < b.x else BOX_W)
        path = f"M{x1:.0f} {y1:.0f}L{x2:.0f} {y2:.0f}"
        lx, ly, anchor = x1 + (x2 - x1) * 0.7 + 6, y1 + (y2 - y1) * 0.7 + 4, "start"
    else:
        x1, y1 = a.x + BOX_W * 0.4, a.y + BOX_H
        x2, y2 = b.x + BOX_W * 0.4, b.y
        path = f"M{x1:.0f} {y1:.0f}L{x2:.0f} {y2:.0f}"
        # the caption on the outer side of the line: left of a line going right, and so on
        side = -6 if x2 >= x1 else 6
        anchor = "end" if x2 >= x1 else "start"
        lx, ly = x1 + (x2 - x1) * 0.62 + side, y1 + (y2 - y1) * 0.62 + 4
    text = escape(label)
    line = (
        f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="1.6"{dash} '
        f'marker-end="url(#{prefix}-arrow)"/>'
    )
    caption = (
        f'<text x="{lx:.0f}" y="{ly:.0f}" font-size="11" text-anchor="{anchor}" '
        f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{text}</text>'
    )
    return line, caption


def _box(box: _Box) -> str:
    rx = 18 if box.is_person else 2
    width = 3.5 if box.is_subject else 1.4
    parts = [
        f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="{rx}" '
        f'fill="#ffffff" stroke="{INK}" stroke-width="{width}"/>'
    ]
    if box.is_owner:
        parts.append(
            f'<rect x="{box.x + 3:.0f}" y="{box.y + 3:.0f}" width="{BOX_W - 6}" '
            f'height="{BOX_H - 6}" rx="{max(rx - 3, 1)}" fill="none" stroke="{INK}" '
            'stroke-width="1"/>'
        )
    kind = _("person") if box.is_person else _("entity")
    star = "★ " if box.is_owner else ""
    parts.append(
        f'<text x="{box.x + BOX_W / 2:.0f}" y="{box.y + 20:.0f}" text-anchor="middle" '
        f'font-weight="600">{escape(star + _fit(box.name, NAME_UNITS - (2 if star else 0)))}</text>'
        f'<text x="{box.x + BOX_W / 2:.0f}" y="{box.y + 37:.0f}" text-anchor="middle" '
        f'font-size="11" fill="{MUTED}">{escape(kind)}</text>'
    )
    return "".join(parts)


def _legend(y: float) -> str:
    items = [
        ("solid", _("direct interest")),
        ("dashed", _("declared indirect interest")),
        ("dotted", _("ultimate interest (computed)")),
    ]
    out = []
    for i, (style, label) in enumerate(items):
        row = y + i * 18
        dash = {"dashed": ' stroke-dasharray="7 4"', "dotted": ' stroke-dasharray="2 4"'}.get(
            style, ""
        )
        out.append(
            f'<line x1="{MARGIN}" y1="{row + 8}" x2="{MARGIN + 28}" y2="{row + 8}" '
            f'stroke="{LINE}" stroke-width="1.6"{dash}/><text x="{MARGIN + 34}" y="{row + 12}" '
            f'font-size="12">{escape(label)}</text>'
        )
    shapes = _("★ double border: ultimate owner; round corners: person")
    out.append(f'<text x="{MARGIN}" y="{y + 3 * 18 + 12}" font-size="12">{escape(shapes)}</text>')
    return "".join(out)
