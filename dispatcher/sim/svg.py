"""A very small SVG line-chart writer: panels of lines over a shared time axis, no dependencies."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

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


def nice_step(span: float, ticks: int = 5) -> float:
    """A 1-2-5 step giving about `ticks` ticks over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def render(
    panels: list[Panel],
    *,
    title: str,
    x_range: tuple[float, float],
    x_ticks: list[tuple[float, str]],
    width: int = 900,
    panel_height: int = 230,
) -> str:
    """The whole chart as SVG text."""
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
        step = nice_step(max(ys, default=1.0) or 1.0)
        y_max = step * math.ceil((max(ys, default=1.0) or 1.0) / step)

        def sy(y: float, y_top: float = y_top, y_max: float = y_max) -> float:
            return y_top + panel_height - y / y_max * panel_height

        out.append(f'<text x="{left}" y="{y_top - 8}" font-weight="bold">{escape(panel.title)}</text>')
        n_ticks = round(y_max / step)
        for t in range(n_ticks + 1):
            y = t * step
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
