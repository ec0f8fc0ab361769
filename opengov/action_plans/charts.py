"""Charts drawn on the server as SVG, readable without colour: every bar carries its value as
text, states differ by pattern and shape as well as colour, and each chart has a title and a
description for screen readers (pages also give the same numbers in a table).

No JavaScript and no inline style attributes (the CSP forbids them): SVG presentation
attributes only. All text goes through `escape`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INK = "#1b1f24"
MUTED = "#4a5360"
LINE = "#6b7683"
TRACK = "#eef1f4"
BRAND = "#0b5394"
OK = "#1d6b2f"
WARN = "#8a5300"
DANGER = "#a4161a"
FONT = 'system-ui, -apple-system, "Segoe UI", "Noto Sans TC", "PingFang TC", sans-serif'


def _defs(prefix: str) -> str:
    """Patterns: hatch (in progress), dots (due soon), cross-hatch (overdue), solid (done)."""
    return (
        "<defs>"
        f'<pattern id="{prefix}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{BRAND}"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#ffffff" stroke-width="3"/></pattern>'
        f'<pattern id="{prefix}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.6" fill="{WARN}"/>'
        "</pattern>"
        f'<pattern id="{prefix}-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="#ffffff"/>'
        f'<path d="M0 0L8 8M8 0L0 8" stroke="{DANGER}" stroke-width="1.6"/></pattern>'
        "</defs>"
    )


def _svg(
    prefix: str,
    width: int,
    height: int,
    title: str,
    desc: str,
    body: str,
    *,
    has_links: bool = False,
) -> SafeString:
    """An SVG chart. A picture is `role="img"`, which hides everything inside it from screen
    readers; a chart whose labels are links is a `group`, so the links stay reachable."""
    role = "group" if has_links else "img"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="{role}" aria-labelledby="{prefix}-t {prefix}-d" font-family=\'{FONT}\' '
        f'font-size="14" fill="{INK}">'
        f'<title id="{prefix}-t">{escape(title)}</title><desc id="{prefix}-d">{escape(desc)}</desc>'
        f"{_defs(prefix)}{body}</svg>"
    )


def _width(char: str) -> int:
    """Display width in half-width units: East Asian wide characters count as 2."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _short(text: str, limit: int) -> str:
    """`text` cut to `limit` half-width units (CJK characters are twice as wide)."""
    text = " ".join(str(text).split())
    if sum(_width(c) for c in text) <= limit:
        return text
    out, used = [], 1
    for char in text:
        used += _width(char)
        if used > limit:
            break
        out.append(char)
    return "".join(out) + "…"


def pct(value: float) -> str:
    """A percentage as shown on the charts: whole numbers, with a space before %."""
    return f"{round(value):d} %"


@dataclass(frozen=True)
class Bar:
    """One labelled bar: label, value in percent, optional note (e.g. '2 overdue')."""

    label: str
    value: float
    note: str = ""
    href: str = ""


def progress_bars(prefix: str, bars: Sequence[Bar], *, title: str, desc: str) -> SafeString:
    """Horizontal progress bars, one per row: the label above, the bar (hatched on a framed
    track with 25 % ticks) and the value as text beside it."""
    width, left, bar_w, row = 360, 8, 240, 46
    height = max(row * len(bars) + 24, 40)
    parts: list[str] = []
    for tick in (0, 25, 50, 75, 100):
        x = left + bar_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 18}" stroke="{TRACK}" '
            'stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{height - 4}" font-size="11" fill="{MUTED}" '
            f'text-anchor="middle">{tick}</text>'
        )
    for i, bar in enumerate(bars):
        y = i * row + 4
        value = max(0.0, min(100.0, float(bar.value)))
        w = bar_w * value / 100
        label = escape(_short(bar.label, 44))
        if bar.href:
            label = f'<a href="{escape(bar.href)}">{label}</a>'
        note = f" · {escape(bar.note)}" if bar.note else ""
        parts.append(
            f'<g class="bar"><title>{escape(bar.label)}: {pct(value)}{note}</title>'
            f'<text x="{left}" y="{y + 14}">{label}</text>'
            f'<rect x="{left}" y="{y + 20}" width="{bar_w}" height="16" fill="#ffffff" '
            f'stroke="{LINE}"/>'
            f'<rect x="{left}" y="{y + 20}" width="{w:.1f}" height="16" '
            f'fill="url(#{prefix}-hatch)" stroke="{BRAND}"/>'
            f'<text x="{left + bar_w + 8}" y="{y + 33}" font-weight="700">{pct(value)}</text>'
            f'<text x="{left + bar_w + 50}" y="{y + 33}" font-size="12" fill="{DANGER}">'
            f"{escape(bar.note)}</text></g>"
        )
    return _svg(
        prefix,
        width,
        height,
        title,
        desc,
        "".join(parts),
        has_links=any(bar.href for bar in bars),
    )


def status_strip(prefix: str, counts: dict[str, int], *, title: str) -> SafeString:
    """One stacked bar of milestone states with a legend: each state has its own pattern and
    its count written out."""
    order = [
        ("done", _("Done"), OK, f"{OK}"),
        ("open", _("On track"), "#ffffff", BRAND),
        ("due_soon", _("Due soon"), f"url(#{prefix}-dots)", WARN),
        ("overdue", _("Overdue"), f"url(#{prefix}-cross)", DANGER),
    ]
    total = sum(counts.get(k, 0) for k, *_ in order) or 1
    width, bar_w, left = 360, 344, 8
    x = float(left)
    parts: list[str] = []
    for key, label, fill, stroke in order:
        n = counts.get(key, 0)
        if not n:
            continue
        w = bar_w * n / total
        parts.append(
            f'<rect x="{x:.1f}" y="6" width="{w:.1f}" height="26" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="2"><title>{escape(label)}: {n}</title></rect>'
        )
        if w > 28:
            parts.append(
                f'<text x="{x + w / 2:.1f}" y="24" text-anchor="middle" font-weight="700" '
                f'fill="{"#ffffff" if key == "done" else INK}" paint-order="stroke" '
                f'stroke="{OK if key == "done" else "#ffffff"}" stroke-width="4">{n}</text>'
            )
        x += w
    for i, (key, label, fill, stroke) in enumerate(order):
        lx = left + (i % 2) * 176
        ly = 48 + (i // 2) * 26
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="18" height="18" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="2"/><text x="{lx + 26}" y="{ly + 14}">{escape(label)}: '
            f"{counts.get(key, 0)}</text>"
        )
    desc = ", ".join(f"{label}: {counts.get(key, 0)}" for key, label, *_ in order)
    return _svg(prefix, width, 104, title, desc, "".join(parts))  # 2 legend rows


@dataclass(frozen=True)
class TimelineRow:
    """A commitment on the timeline: its span and its milestones (end date, state)."""

    label: str
    start: dt.date
    end: dt.date
    milestones: Sequence[tuple[dt.date, str, str]]  # (end date, state, title)


def timeline(
    prefix: str,
    rows: Sequence[TimelineRow],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    title: str,
    desc: str,
) -> SafeString:
    """A Gantt-like timeline: one line per commitment from its start to its end, milestones as
    shapes at their end dates (filled circle done, ring open, diamond due soon, cross overdue),
    year marks and a labelled line for today."""
    width, left, right, row, top = 400, 30, 12, 24, 30
    span = max((end - start).days, 1)
    plot = width - left - right
    height = top + row * len(rows) + 46

    def x_of(day: dt.date) -> float:
        offset = min(max((day - start).days, 0), span)
        return left + plot * offset / span

    parts: list[str] = []
    for year in range(start.year, end.year + 2):
        jan = dt.date(year, 1, 1)
        if start <= jan <= end:
            x = x_of(jan)
            parts.append(
                f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{top + row * len(rows)}" '
                f'stroke="{TRACK}"/><text x="{x:.1f}" y="{top - 10}" font-size="12" '
                f'fill="{MUTED}" text-anchor="middle">{year}</text>'
            )
    for i, r in enumerate(rows):
        y = top + i * row + row / 2
        parts.append(
            f'<text x="{left - 6}" y="{y + 5:.1f}" text-anchor="end" font-size="12">'
            f"{escape(r.label)}</text>"
            f'<line x1="{x_of(r.start):.1f}" y1="{y:.1f}" x2="{x_of(r.end):.1f}" y2="{y:.1f}" '
            f'stroke="{LINE}" stroke-width="4" stroke-linecap="round"/>'
        )
        for day, state, mtitle in r.milestones:
            x = x_of(day)
            state_name = escape(state_labels()[state])
            tip = f"<title>{escape(mtitle)} ({day.isoformat()}): {state_name}</title>"
            if state == "done":
                shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{OK}" stroke="{OK}"/>'
            elif state == "overdue":
                shape = (
                    f'<path d="M{x - 6:.1f} {y - 6:.1f}L{x + 6:.1f} {y + 6:.1f}M{x + 6:.1f} '
                    f'{y - 6:.1f}L{x - 6:.1f} {y + 6:.1f}" stroke="{DANGER}" stroke-width="3"/>'
                )
            elif state == "due_soon":
                shape = (
                    f'<path d="M{x:.1f} {y - 7:.1f}L{x + 7:.1f} {y:.1f}L{x:.1f} {y + 7:.1f}'
                    f'L{x - 7:.1f} {y:.1f}Z" fill="#ffffff" stroke="{WARN}" stroke-width="2.5"/>'
                )
            else:
                shape = (
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="#ffffff" '
                    f'stroke="{BRAND}" stroke-width="2.5"/>'
                )
            parts.append(f"<g>{tip}{shape}</g>")
    if start <= today <= end:
        x = x_of(today)
        today_label = escape(_("Today"))
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{top + row * len(rows) + 4}" '
            f'stroke="{INK}" stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="{x:.1f}" y="{top + row * len(rows) + 18}" text-anchor="middle" '
            f'font-size="12" font-weight="700">{today_label} {today.isoformat()}</text>'
        )
    ly = height - 10
    legend = [
        (f'<circle cx="{left + 6}" cy="{ly - 4}" r="6" fill="{OK}"/>', _("Done")),
        (
            f'<circle cx="{left + 6}" cy="{ly - 4}" r="5.5" fill="#ffffff" stroke="{BRAND}" '
            'stroke-width="2.5"/>',
            _("Open"),
        ),
        (
            f'<path d="M{left + 6} {ly - 11}L{left + 13} {ly - 4}L{left + 6} {ly + 3}'
            f'L{left - 1} {ly - 4}Z" fill="#ffffff" stroke="{WARN}" stroke-width="2.5"/>',
            _("Due soon"),
        ),
        (
            f'<path d="M{left} {ly - 10}L{left + 12} {ly + 2}M{left + 12} {ly - 10}L{left} '
            f'{ly + 2}" stroke="{DANGER}" stroke-width="3"/>',
            _("Overdue"),
        ),
    ]
    for i, (shape, label) in enumerate(legend):
        dx = i * 92
        parts.append(
            f'<g transform="translate({dx} 0)">{shape}<text x="{left + 18}" y="{ly + 1}" '
            f'font-size="12">{escape(label)}</text></g>'
        )
    return _svg(prefix, width, height, title, desc, "".join(parts))


def state_labels() -> dict[str, str]:
    """Names of the derived milestone states, in the current language."""
    return {
        "done": _("Done"),
        "open": _("Open"),
        "due_soon": _("Due soon"),
        "overdue": _("Overdue"),
    }
