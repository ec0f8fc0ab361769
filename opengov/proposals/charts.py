"""The co-signatures-over-time chart, computed on the server for an SVG in the page.

The chart never relies on colour alone: the running total is a line with point markers, the
threshold is a dashed line with a text label, axes carry text, and the page also offers the
same numbers as a table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36


@dataclass(frozen=True)
class Chart:
    """Coordinates of the chart in a WIDTH×HEIGHT view box."""

    width: int
    height: int
    points: str
    markers: tuple[tuple[float, float], ...]
    threshold_y: float | None
    threshold: int
    y_max: int
    y_ticks: tuple[tuple[float, int], ...]
    first_day: dt.date
    last_day: dt.date
    total: int
    plot_left: int
    plot_right: int
    plot_bottom: int
    plot_top: int


def cosign_chart(series: list[tuple[dt.date, int, int]], threshold: int) -> Chart:
    """A chart of the running total of co-signatures by day, with the threshold line."""
    first, last = series[0][0], series[-1][0]
    days = max(1, (last - first).days)
    total = series[-1][2]
    y_max = max(total, threshold if total >= threshold * 0.5 else total, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return round(LEFT + plot_w * (day - first).days / days, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h * (1 - value / y_max), 1)

    coords = [(x(day), y(running)) for day, _n, running in series]
    if len(coords) == 1:
        coords = [(LEFT, y(0)), coords[0]]
    markers = tuple(coords[-60:]) if len(series) <= 60 else ()
    ticks = tuple((y(v), v) for v in sorted({0, y_max // 2, y_max}))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=" ".join(f"{a},{b}" for a, b in coords),
        markers=markers,
        threshold_y=y(threshold) if threshold <= y_max else None,
        threshold=threshold,
        y_max=y_max,
        y_ticks=ticks,
        first_day=first,
        last_day=last,
        total=total,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=HEIGHT - BOTTOM,
        plot_top=TOP,
    )
