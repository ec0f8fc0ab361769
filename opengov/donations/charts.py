"""Bar charts drawn on the server as SVG: one bar per row with its label and its value
written beside it, so nothing relies on colour (every bar is the same ink); the SVG has a
title and a description, and each page shows the same figures in a table. No inline styles,
no JavaScript; every text is escaped."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 340
ROW = 30
LABEL_W = 120
VALUE_W = 90


def bars(
    rows: Sequence[tuple[str, int, str]], *, title: str, description: str, chart_id: str
) -> SafeString:
    """A horizontal bar chart of (label, value, value as text) rows."""
    top = max((v for _label, v, _text in rows), default=0) or 1
    height = ROW * max(len(rows), 1) + 10
    span = WIDTH - LABEL_W - VALUE_W
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for i, (label, value, text) in enumerate(rows):
        y = 5 + i * ROW
        width = max(1, round(span * value / top)) if value > 0 else 0
        parts.append(
            f'<text x="0" y="{y + 18}" font-size="13" fill="#1b1f24">{escape(label[:10])}</text>'
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{width}" height="18" fill="#1b1f24"/>'
            f'<text x="{LABEL_W + width + 4}" y="{y + 18}" font-size="12" fill="#1b1f24">'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
