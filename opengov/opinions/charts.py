"""The map as a server-side SVG scatter: one shape, pattern and colour per group (never colour
alone), participants binned on a grid so a map of any size stays small; a title and a
description for screen readers (the page adds the table of groups)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _

#: per group: (label, colour, shape); colours from the Okabe–Ito palette (colour-blind safe)
STYLES = (
    ("A", "#0072B2", "circle"),
    ("B", "#D55E00", "square"),
    ("C", "#009E73", "triangle"),
    ("D", "#CC79A7", "diamond"),
    ("E", "#E69F00", "cross"),
)
SIZE = 320
PAD = 16
GRID = 48


def group_label(g: int) -> str:
    """A group's letter (A, B, ...)."""
    return STYLES[g % len(STYLES)][0]


def group_style(g: int) -> dict[str, str]:
    """Colour and shape of a group, for legends."""
    label, colour, shape = STYLES[g % len(STYLES)]
    return {"label": label, "colour": colour, "shape": shape}


def _shape(shape: str, x: float, y: float, r: float, colour: str, fill: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{colour}"/>'
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
            f'fill="{fill}" stroke="{colour}"/>'
        )
    if shape == "triangle":
        pts = f"{x:.1f},{y - r:.1f} {x - r:.1f},{y + r:.1f} {x + r:.1f},{y + r:.1f}"
        return f'<polygon points="{pts}" fill="{fill}" stroke="{colour}"/>'
    if shape == "diamond":
        pts = f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{fill}" stroke="{colour}"/>'
    return (
        f'<path d="M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}M{x - r:.1f},{y + r:.1f}'
        f'L{x + r:.1f},{y - r:.1f}" stroke="{colour}" stroke-width="2"/>'
    )


def map_svg(result: dict[str, Any], *, title: str) -> str:
    """The SVG of a computed map (`math.compute` output), or an empty string without groups."""
    points = result.get("participants") or []
    groups = result.get("groups") or []
    if not points or not groups:
        return ""
    xs = [p["x"] for p in points]
    ys = [p["y"] for p in points]
    lo_x, hi_x, lo_y, hi_y = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = (hi_x - lo_x) or 1.0, (hi_y - lo_y) or 1.0
    inner = SIZE - 2 * PAD
    cells: Counter[tuple[int, int, int]] = Counter()
    for p in points:
        cx = round((p["x"] - lo_x) / span_x * (GRID - 1))
        cy = round((p["y"] - lo_y) / span_y * (GRID - 1))
        cells[(p["group"], cx, cy)] += 1
    biggest = max(cells.values())
    defs = []
    for g in range(len(groups)):
        colour = STYLES[g % len(STYLES)][1]
        # a hatching per group: the fill differs in pattern, not only in colour
        angle = (0, 45, 90, 135, 0)[g % 5]
        defs.append(
            f'<pattern id="og-pat-{g}" width="4" height="4" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate({angle})"><rect width="4" height="4" fill="white"/>'
            f'<line x1="0" y1="0" x2="0" y2="4" stroke="{colour}" stroke-width="2"/></pattern>'
        )
    marks = []
    for (g, cx, cy), n in sorted(cells.items()):
        colour, shape = STYLES[g % len(STYLES)][1:]
        x = PAD + cx / (GRID - 1) * inner
        y = PAD + (GRID - 1 - cy) / (GRID - 1) * inner
        r = 2.5 + 5.5 * (n / biggest) ** 0.5
        marks.append(_shape(shape, x, y, r, colour, f"url(#og-pat-{g})"))
    sizes = ", ".join(
        _("group %(g)s: %(n)d people") % {"g": group_label(gr["id"]), "n": gr["size"]}
        for gr in groups
    )
    desc = _(
        "Scatter plot of %(n)d participants placed by how they voted, in %(k)d opinion groups "
        "(%(sizes)s). Each group has its own shape; the table below lists the groups and their "
        "representative statements."
    ) % {"n": len(points), "k": len(groups), "sizes": sizes}
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'aria-labelledby="og-map-title og-map-desc" class="opinion-map" '
        f'preserveAspectRatio="xMidYMid meet">'
        f'<title id="og-map-title">{escape(title)}</title>'
        f'<desc id="og-map-desc">{escape(desc)}</desc>'
        f"<defs>{''.join(defs)}</defs>"
        f'<rect x="0.5" y="0.5" width="{SIZE - 1}" height="{SIZE - 1}" fill="none" stroke="#999"/>'
        f"<g>{''.join(marks)}</g></svg>"
    )


def legend_svg(g: int) -> str:
    """A small SVG of a group's mark, for the legend and the table."""
    colour, shape = STYLES[g % len(STYLES)][1:]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" width="16" height="16" '
        f'aria-hidden="true">{_shape(shape, 8, 8, 6, colour, colour)}</svg>'
    )
