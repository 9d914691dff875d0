"""Server-rendered SVG trend charts with a table alternative.

The chart is plain SVG in the page: no JavaScript, no chart library, no web font; it scales
with its container (viewBox) and carries a title and description for screen readers. The
same numbers are always offered as a table (`table_rows`), which is the accessible form.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import count

from markupsafe import Markup

from publish.formatting import german_number, german_period, short_period

WIDTH, HEIGHT = 640, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 16, 40
LINE_COLOUR = "#00557a"  # 7.6:1 on white
TARGET_COLOUR = "#8a4b00"  # 6.1:1 on white
GRID_COLOUR = "#d0d7de"
TEXT_COLOUR = "#1f2328"
_ids = count(1)


def nice_ticks(low: float, high: float, wanted: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 × 10^k) covering [low, high]."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, wanted)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def table_rows(series: Sequence[tuple[str, float]]) -> list[tuple[str, str]]:
    """The chart's numbers as (German period, German number) rows, oldest first; one decimal
    for all rows as soon as one value has decimals, so the column lines up."""
    places = 0 if all(float(value).is_integer() for _, value in series) else 1
    return [(german_period(period), german_number(value, places)) for period, value in series]


def line_chart(series: Sequence[tuple[str, float]], *, title: str, description: str, unit: str = "",
               target: float | None = None) -> Markup:
    """An SVG line chart of `series` [(period, value), …] with an optional dashed target line.

    `title` and `description` become the SVG's accessible name and description. An empty
    series gives an empty string (the page shows its text instead). Raises nothing.
    """
    if not series:
        return Markup("")
    identifier = f"chart-{next(_ids)}"
    values = [value for _, value in series]
    low = min(0.0, min(values))
    high = max(values + ([target] if target is not None else []))
    ticks = nice_ticks(low, high * 1.05 if high > 0 else high + 1)
    bottom, top = ticks[0], ticks[-1]
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x(index: int) -> float:
        return MARGIN_LEFT + (plot_width * index / (len(series) - 1) if len(series) > 1 else plot_width / 2)

    def y(value: float) -> float:
        return MARGIN_TOP + plot_height * (1 - (value - bottom) / (top - bottom))

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{identifier}-title {identifier}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{identifier}-title">{escape(title)}</title>',
        f'<desc id="{identifier}-desc">{escape(description)}</desc>',
    ]
    suffix = f"\u00a0{unit}" if unit else ""
    for tick in ticks:
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{GRID_COLOUR}" stroke-width="1"/>')
        parts.append(f'<text x="{MARGIN_LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" '
                     f'fill="{TEXT_COLOUR}">{escape(german_number(tick) + suffix)}</text>')
    label_every = max(1, math.ceil(len(series) / 8))
    last = len(series) - 1
    for index, (period, _) in enumerate(series):
        # The last period is always labelled; a regular label too close to it would overlap.
        if (index % label_every == 0 and last - index >= label_every / 2 + 1) or index == last:
            parts.append(f'<text x="{x(index):.1f}" y="{HEIGHT - MARGIN_BOTTOM + 18}" text-anchor="middle" '
                         f'font-size="12" fill="{TEXT_COLOUR}">{escape(short_period(period))}</text>')
    if target is not None:
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                     f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{WIDTH - MARGIN_RIGHT}" y="{y(target) - 6:.1f}" text-anchor="end" font-size="12" '
                     f'fill="{TARGET_COLOUR}">Ziel {escape(german_number(target) + suffix)}</text>')
    points = " ".join(f"{x(index):.1f},{y(value):.1f}" for index, (_, value) in enumerate(series))
    parts.append(f'<polyline points="{points}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2.5" '
                 f'stroke-linejoin="round"/>')
    parts.append(f'<circle cx="{x(len(series) - 1):.1f}" cy="{y(series[-1][1]):.1f}" r="4" fill="{LINE_COLOUR}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Series:
    """One bar per category in a grouped bar chart; None leaves a gap."""

    label: str
    colour: str
    values: list[float | None]


def grouped_bar_chart(categories: Sequence[str], series: Sequence[Series], *, title: str, description: str,
                      unit: str = "") -> Markup:
    """An SVG chart with one group of bars per category and one bar per series, a y axis
    on round ticks and a legend. Each bar has a tooltip (`<title>`) with its number.

    Raises `ValueError` when a series has not one value per category.
    """
    for entry in series:
        if len(entry.values) != len(categories):
            raise ValueError(f"series {entry.label!r}: {len(entry.values)} values for {len(categories)} categories")
    identifier = f"chart-{next(_ids)}"
    values = [value for entry in series for value in entry.values if value is not None]
    ticks = nice_ticks(0.0, max(values, default=0.0) or 1.0)
    top = ticks[-1]
    legend_height = 22
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM - legend_height
    group_width = plot_width / max(len(categories), 1)
    bar_width = group_width * 0.8 / max(len(series), 1)

    def y(value: float) -> float:
        return MARGIN_TOP + plot_height * (1 - value / top)

    suffix = f"\u00a0{unit}" if unit else ""
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{identifier}-title {identifier}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{identifier}-title">{escape(title)}</title>',
        f'<desc id="{identifier}-desc">{escape(description)}</desc>',
    ]
    for tick in ticks:
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{GRID_COLOUR}" stroke-width="1"/>')
        parts.append(f'<text x="{MARGIN_LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" '
                     f'fill="{TEXT_COLOUR}">{escape(german_number(tick) + suffix)}</text>')
    for index, category in enumerate(categories):
        left = MARGIN_LEFT + index * group_width + group_width * 0.1
        for position, entry in enumerate(series):
            value = entry.values[index]
            if value is None:
                continue
            parts.append(f'<rect x="{left + position * bar_width:.1f}" y="{y(value):.1f}" width="{bar_width * 0.95:.1f}" '
                         f'height="{y(0) - y(value):.1f}" fill="{entry.colour}"><title>{escape(category)}, '
                         f'{escape(entry.label)}: {escape(german_number(value) + suffix)}</title></rect>')
        parts.append(f'<text x="{left + group_width * 0.4:.1f}" y="{y(0) + 16:.1f}" text-anchor="middle" '
                     f'font-size="12" fill="{TEXT_COLOUR}">{escape(category)}</text>')
    for position, entry in enumerate(series):
        x = MARGIN_LEFT + position * 200
        parts.append(f'<rect x="{x}" y="{HEIGHT - 22}" width="12" height="12" fill="{entry.colour}"/>'
                     f'<text x="{x + 18}" y="{HEIGHT - 12}" font-size="12" fill="{TEXT_COLOUR}">{escape(entry.label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
