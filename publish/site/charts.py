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

from contracts.german import german_number, german_period, short_period

WIDTH, HEIGHT = 640, 260
NARROW_WIDTH, NARROW_HEIGHT = 340, 240  # drawn for phones: 12-unit text stays ~12 px at 360 px
MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 16, 30, 40
FONT_SIZE = 12
# Widest glyph advance of the default sans-serif fonts relative to the font size (digits and
# most letters are narrower): margins sized with it keep every label inside the SVG.
CHAR_WIDTH = 0.62
LINE_COLOUR = "#00557a"  # 7.6:1 on white
TARGET_COLOUR = "#8a4b00"  # 6.1:1 on white
GRID_COLOUR = "#d0d7de"
TEXT_COLOUR = "#1f2328"
_ids = count(1)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An upper estimate of the rendered width of `text` (no font metrics on the server)."""
    return len(text) * size * CHAR_WIDTH


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


def _svg_open(identifier: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{identifier}-title {identifier}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{identifier}-title">{escape(title)}</title>',
        f'<desc id="{identifier}-desc">{escape(description)}</desc>',
    ]


def _text(x: float, y: float, text: str, anchor: str = "start", colour: str = TEXT_COLOUR) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{FONT_SIZE}" '
        f'fill="{colour}">{escape(text)}</text>'
    )


def _y_axis(ticks: list[float], y, left: float, right: float, unit: str) -> list[str]:
    """Grid lines with plain numbers at their left, and the unit once above the axis (a unit
    repeated on every tick made the labels too wide for the margin: "ebäude")."""
    parts = []
    for tick in ticks:
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y(tick) + 4, german_number(tick), "end"))
    if unit:
        parts.append(_text(2, FONT_SIZE, unit))  # x=2: a glyph like "T" overhangs its origin
    return parts


def _period_labels(labels: list[str], positions: list[float], width: float, baseline: float) -> list[str]:
    """Axis labels under the points: the last always (the newest period), the others from the
    left wherever they fit without touching a neighbour or leaving the SVG."""
    gap = 8

    def extent(index: int) -> tuple[float, float, str]:
        half = text_width(labels[index]) / 2
        centre = positions[index]
        if centre + half > width:
            return width - 2 * half, width, "end"
        if centre - half < 0:
            return 0.0, 2 * half, "start"
        return centre - half, centre + half, "middle"

    last = len(labels) - 1
    placed = {last: extent(last)}
    right_edge = float(-gap)
    for index in range(last):
        start, end, _ = extent(index)
        if start >= right_edge + gap and end + gap <= placed[last][0]:
            placed[index] = extent(index)
            right_edge = end
    parts = []
    for index in sorted(placed):
        start, end, anchor = placed[index]
        x = {"start": start, "end": end, "middle": (start + end) / 2}[anchor]
        parts.append(_text(x, baseline, labels[index], anchor))
    return parts


def _left_margin(ticks: list[float]) -> float:
    return math.ceil(max(text_width(german_number(tick)) for tick in ticks)) + 10


def line_chart(
    series: Sequence[tuple[str, float]],
    *,
    title: str,
    description: str,
    unit: str = "",
    target: float | None = None,
    running: bool = False,
    narrow: bool = False,
) -> Markup:
    """An SVG line chart of `series` [(period, value), …] with an optional dashed target line.

    `title` and `description` become the SVG's accessible name and description. `running`
    marks the last point as a period still under way (dotted line, open circle). `narrow`
    draws it for phone width. An empty series gives an empty string (the page shows its text
    instead). Every label is placed inside the SVG's box. Raises nothing.
    """
    if not series:
        return Markup("")
    width, height = (NARROW_WIDTH, NARROW_HEIGHT) if narrow else (WIDTH, HEIGHT)
    identifier = f"chart-{next(_ids)}"
    values = [value for _, value in series]
    low = min(0.0, min(values))
    high = max(values + ([target] if target is not None else []))
    ticks = nice_ticks(low, high * 1.05 if high > 0 else high + 1, wanted=4 if narrow else 5)
    bottom, top = ticks[0], ticks[-1]
    left = _left_margin(ticks)
    right = width - MARGIN_RIGHT
    plot_width = right - left
    plot_height = height - MARGIN_TOP - MARGIN_BOTTOM

    def x(index: int) -> float:
        return left + (plot_width * index / (len(series) - 1) if len(series) > 1 else plot_width / 2)

    def y(value: float) -> float:
        return MARGIN_TOP + plot_height * (1 - (value - bottom) / (top - bottom))

    parts = _svg_open(identifier, width, height, title, description)
    parts += _y_axis(ticks, y, left, right, unit)
    parts += _period_labels(
        [short_period(period) for period, _ in series],
        [x(i) for i in range(len(series))],
        width,
        height - MARGIN_BOTTOM + 18,
    )
    if target is not None:
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        label_y = y(target) - 6 if y(target) - 6 - FONT_SIZE > 0 else y(target) + FONT_SIZE + 4
        parts.append(
            _text(
                right, label_y, f"Ziel {german_number(target)}{chr(0xA0) + unit if unit else ''}", "end", TARGET_COLOUR
            )
        )
    final = len(series) - 1 if running and len(series) > 1 else len(series)
    points = " ".join(f"{x(index):.1f},{y(value):.1f}" for index, (_, value) in enumerate(series[:final]))
    parts.append(
        f'<polyline points="{points}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2.5" stroke-linejoin="round"/>'
    )
    if final < len(series):
        parts.append(
            f'<line x1="{x(final - 1):.1f}" y1="{y(series[final - 1][1]):.1f}" x2="{x(final):.1f}" '
            f'y2="{y(series[final][1]):.1f}" stroke="{LINE_COLOUR}" stroke-width="2" stroke-dasharray="2 4"/>'
        )
        parts.append(
            f'<circle cx="{x(final):.1f}" cy="{y(series[final][1]):.1f}" r="4" fill="#ffffff" '
            f'stroke="{LINE_COLOUR}" stroke-width="2"/>'
        )
    else:
        parts.append(f'<circle cx="{x(len(series) - 1):.1f}" cy="{y(series[-1][1]):.1f}" r="4" fill="{LINE_COLOUR}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: Sequence[float], *, running: bool = False) -> Markup:
    """A small trend line without text, for a tile whose numbers are written beside it (hidden
    from screen readers, which read the numbers). The running period's point is open."""
    if len(values) < 2:
        return Markup("")
    width, height, pad = 120, 32, 4
    low, high = min(values), max(values)
    spread = (high - low) or 1.0

    def point(index: int, value: float) -> tuple[float, float]:
        return (
            pad + (width - 2 * pad) * index / (len(values) - 1),
            height - pad - (height - 2 * pad) * (value - low) / spread,
        )

    coordinates = [point(index, value) for index, value in enumerate(values)]
    solid = coordinates[:-1] if running else coordinates
    line = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in solid)
    cx, cy = coordinates[-1]
    if running:
        (px, py) = coordinates[-2]
        end = (
            f'<line x1="{px:.1f}" y1="{py:.1f}" x2="{cx:.1f}" y2="{cy:.1f}" stroke="{LINE_COLOUR}" stroke-width="1.5" '
            f'stroke-dasharray="2 3"/><circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="#ffffff" '
            f'stroke="{LINE_COLOUR}" stroke-width="1.5"/>'
        )
    else:
        end = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{LINE_COLOUR}"/>'
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg"><polyline points="{line}" fill="none" stroke="{LINE_COLOUR}" '
        f'stroke-width="2" stroke-linejoin="round"/>{end}</svg>'
    )


@dataclass(frozen=True)
class Series:
    """One bar per category in a grouped bar chart; None leaves a gap."""

    label: str
    colour: str
    values: list[float | None]


def grouped_bar_chart(
    categories: Sequence[str], series: Sequence[Series], *, title: str, description: str, unit: str = ""
) -> Markup:
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
    left = _left_margin(ticks)
    plot_width = WIDTH - left - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM - legend_height
    group_width = plot_width / max(len(categories), 1)
    bar_width = group_width * 0.8 / max(len(series), 1)

    def y(value: float) -> float:
        return MARGIN_TOP + plot_height * (1 - value / top)

    suffix = f"\u00a0{unit}" if unit else ""
    parts = _svg_open(identifier, WIDTH, HEIGHT, title, description)
    parts += _y_axis(ticks, y, left, WIDTH - MARGIN_RIGHT, unit)
    for index, category in enumerate(categories):
        start = left + index * group_width + group_width * 0.1
        for position, entry in enumerate(series):
            value = entry.values[index]
            if value is None:
                continue
            parts.append(
                f'<rect x="{start + position * bar_width:.1f}" y="{y(value):.1f}" width="{bar_width * 0.95:.1f}" '
                f'height="{y(0) - y(value):.1f}" fill="{entry.colour}"><title>{escape(category)}, '
                f"{escape(entry.label)}: {escape(german_number(value) + suffix)}</title></rect>"
            )
        parts.append(_text(start + group_width * 0.4, y(0) + 16, category, "middle"))
    for position, entry in enumerate(series):
        x = left + position * 200
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 22}" width="12" height="12" fill="{entry.colour}"/>'
            f'<text x="{x + 18}" y="{HEIGHT - 12}" font-size="12" fill="{TEXT_COLOUR}">{escape(entry.label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
