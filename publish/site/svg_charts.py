"""Server-rendered SVG bar charts: no JavaScript, no chart library, readable without CSS.

Every chart comes with a table alternative on its page; the SVG carries a German title and
description for screen readers (`role="img"`, `<title>`, `<desc>`) and a `<title>` tooltip
on each bar.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from publish.site.context import german_number

WIDTH, HEIGHT = 720, 300
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 12, 16, 56


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    values: list[float | None]


def _nice_maximum(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 2.5, 5, 10) if step * magnitude >= value)


def grouped_bar_chart(title: str, description: str, categories: list[str], series: list[Series],
                      unit: str = "") -> str:
    """An SVG document fragment: one group of bars per category, one bar per series, a
    y axis with five gridlines and a legend. Missing values (None) leave a gap.

    Raises `ValueError` when a series has not one value per category.
    """
    for entry in series:
        if len(entry.values) != len(categories):
            raise ValueError(f"series {entry.label!r}: {len(entry.values)} values for {len(categories)} categories")
    top = _nice_maximum(max((v for s in series for v in s.values if v is not None), default=0))
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="chart-title chart-desc" class="chart">',
             f'<title id="chart-title">{escape(title)}</title>',
             f'<desc id="chart-desc">{escape(description)}</desc>']
    for step in range(6):
        value = top * step / 5
        y = MARGIN_TOP + plot_h - plot_h * step / 5
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="12">{german_number(value)}</text>')
    for index, category in enumerate(categories):
        x0 = MARGIN_LEFT + index * group_w + group_w * 0.1
        for position, entry in enumerate(series):
            value = entry.values[index]
            if value is None:
                continue
            height = plot_h * value / top
            x = x0 + position * bar_w
            y = MARGIN_TOP + plot_h - height
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.95:.1f}" height="{height:.1f}" '
                         f'fill="{entry.colour}"><title>{escape(category)}, {escape(entry.label)}: '
                         f'{german_number(value)}{escape(unit)}</title></rect>')
        parts.append(f'<text x="{x0 + group_w * 0.4:.1f}" y="{MARGIN_TOP + plot_h + 16}" '
                     f'text-anchor="middle" font-size="12">{escape(category)}</text>')
    legend_y = HEIGHT - 14
    for position, entry in enumerate(series):
        x = MARGIN_LEFT + position * 200
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{entry.colour}"/>'
                     f'<text x="{x + 18}" y="{legend_y}" font-size="12">{escape(entry.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
