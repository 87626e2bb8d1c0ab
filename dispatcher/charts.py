"""fairq's charts as SVG text, no dependencies: the report's bars and lines, and the simulator's panels.

The report's charts are inlined in its page (it needs no internet and no script to show them); the
simulator writes its chart to a file. Both round their y axes with `y_ticks`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

PALETTE = ("#1f6fb2", "#e08a1e", "#3a9a4b", "#b23a48", "#7a5bb5", "#5b8a8a")
FONT = "'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif"
WIDTH, HEIGHT = 570, 250
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 40


def y_ticks(peak: float, ticks: int = 4) -> list[float]:
    """Round values from 0 to at or above `peak`, about `ticks` steps of 1, 2, 2.5 or 5 times a power of ten."""
    if peak <= 0:
        return [i / ticks for i in range(ticks + 1)]
    raw = peak / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(peak / step - 1e-9) + 1)]


def _frame(title: str, ticks: list[float], unit: str) -> list[str]:
    """The axes, gridlines and title of a chart whose y axis runs through `ticks`."""
    top = ticks[-1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="{FONT}" font-size="11" role="img" aria-label="{escape(title)}">',
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for value in ticks:
        y = _y(value, top)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{_num(value)}</text>')
    parts.append(f'<text x="4" y="{TOP - 10}" fill="#666">{escape(unit)}</text>')
    return parts


def _y(value: float, top: float) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (value / top if top else 0)


def _num(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _legend(names: list[str], colours: list[str]) -> list[str]:
    parts = []
    x = WIDTH - RIGHT - 90 * len(names)
    for name, colour in zip(names, colours, strict=True):
        parts.append(f'<rect x="{x}" y="7" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="16">{escape(name)}</text>')
        x += 90
    return parts


def bar_chart(
    labels: list[str],
    series: dict[str, list[float]],
    *,
    title: str,
    unit: str = "",
    stacked: bool = False,
) -> str:
    """Bars per label, one colour per series, side by side or stacked."""
    names = list(series)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    totals = [sum(series[n][i] for n in names) if stacked else max((series[n][i] for n in names), default=0)
              for i in range(len(labels))]  # fmt: skip
    ticks = y_ticks(max([*totals, 0]))
    top = ticks[-1]
    parts = _frame(title, ticks, unit) + _legend(names, colours)
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    bar = slot * 0.7 / (1 if stacked else max(1, len(names)))
    for i, label in enumerate(labels):
        x0 = LEFT + slot * i + slot * 0.15
        base = 0.0
        for j, name in enumerate(names):
            value = series[name][i]
            x = x0 if stacked else x0 + bar * j
            low, high = (base, base + value) if stacked else (0, value)
            y_top, y_bottom = _y(high, top), _y(low, top)
            parts.append(
                f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{bar:.1f}" height="{max(0, y_bottom - y_top):.1f}" '
                f'fill="{colours[j]}"><title>{escape(label)} {escape(name)}: {_num(value)}</title></rect>'
            )
            base = high if stacked else base
        parts.append(
            f'<text x="{LEFT + slot * (i + 0.5):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(xs: list[str], series: dict[str, list[float]], *, title: str, unit: str = "") -> str:
    """One line per series over evenly spaced x labels (every few labels printed)."""
    names = list(series)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    ticks = y_ticks(max([v for values in series.values() for v in values] or [0]))
    top = ticks[-1]
    parts = _frame(title, ticks, unit) + _legend(names, colours)
    span = WIDTH - LEFT - RIGHT
    step = span / max(1, len(xs) - 1)
    every = max(1, len(xs) // 12)
    for i, label in enumerate(xs):
        if i % every == 0:
            x = LEFT + step * i
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">{escape(label)}</text>')
    for name, colour in zip(names, colours, strict=True):
        points = " ".join(f"{LEFT + step * i:.1f},{_y(v, top):.1f}" for i, v in enumerate(series[name]))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
    parts.append("</svg>")
    return "\n".join(parts)


# ---- the simulator's panels ------------------------------------------------------------

Point = tuple[float, float]


@dataclass
class Series:
    """One line: points (x, y) with None-gaps allowed as separate segments."""

    label: str
    segments: list[list[Point]]
    color: str
    dash: str = ""
    width: float = 2.0


@dataclass
class Panel:
    """One chart area with its own y axis."""

    title: str
    y_label: str
    series: list[Series] = field(default_factory=list)


def panel_chart(
    panels: list[Panel],
    *,
    title: str,
    x_range: tuple[float, float],
    x_ticks: list[tuple[float, str]],
    width: int = 900,
    panel_height: int = 230,
) -> str:
    """Panels of lines over one time axis, each panel with its own y axis, as SVG text."""
    left, right, top, gap = 70, 210, 50, 60
    height = top + len(panels) * (panel_height + gap)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="28" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    x0, x1 = x_range
    plot_w = width - left - right

    def sx(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    for i, panel in enumerate(panels):
        y_top = top + i * (panel_height + gap) + 20
        ys = [y for s in panel.series for seg in s.segments for _, y in seg]
        ticks = y_ticks(max(ys, default=1.0) or 1.0, 5)
        y_max = ticks[-1]

        def sy(y: float, y_top: float = y_top, y_max: float = y_max) -> float:
            return y_top + panel_height - y / y_max * panel_height

        out.append(f'<text x="{left}" y="{y_top - 8}" font-weight="bold">{escape(panel.title)}</text>')
        for y in ticks:
            out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#e4e4e4"/>')
            out.append(f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
        for x, label in x_ticks:
            out.append(
                f'<line x1="{sx(x):.1f}" x2="{sx(x):.1f}" y1="{y_top}" y2="{y_top + panel_height}" stroke="#f0f0f0"/>'
            )
            out.append(
                f'<text x="{sx(x):.1f}" y="{y_top + panel_height + 16}" text-anchor="middle">{escape(label)}</text>'
            )
        out.append(f'<rect x="{left}" y="{y_top}" width="{plot_w}" height="{panel_height}" fill="none" stroke="#888"/>')
        out.append(
            f'<text transform="translate({left - 48},{y_top + panel_height / 2}) rotate(-90)" '
            f'text-anchor="middle">{escape(panel.y_label)}</text>'
        )
        for n, s in enumerate(panel.series):
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            for seg in s.segments:
                if len(seg) == 1:
                    x, y = seg[0]
                    out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{s.color}"/>')
                    continue
                points = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in seg)
                out.append(
                    f'<polyline points="{points}" fill="none" stroke="{s.color}" stroke-width="{s.width}"{dash}/>'
                )
            ly = y_top + 10 + n * 20
            lx = left + plot_w + 15
            out.append(
                f'<line x1="{lx}" x2="{lx + 24}" y1="{ly}" y2="{ly}" stroke="{s.color}" '
                f'stroke-width="{s.width}"{dash}/>'
            )
            out.append(f'<text x="{lx + 30}" y="{ly + 4}">{escape(s.label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
