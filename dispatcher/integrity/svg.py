"""Charts drawn as inline SVG by the server: the report needs no internet and no script to show them."""

from __future__ import annotations

from html import escape

PALETTE = ("#1f6fb2", "#e08a1e", "#3a9a4b", "#b23a48", "#7a5bb5", "#5b8a8a")
FONT = "'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif"
WIDTH, HEIGHT = 570, 250
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 40


def _frame(title: str, top: float, unit: str) -> list[str]:
    """The axes, gridlines and title of a chart whose y axis runs from 0 to `top`."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="{FONT}" font-size="11" role="img" aria-label="{escape(title)}">',
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i in range(5):
        value = top * i / 4
        y = _y(value, top)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{_num(value)}</text>')
    parts.append(f'<text x="4" y="{TOP - 10}" fill="#666">{escape(unit)}</text>')
    return parts


def _y(value: float, top: float) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (value / top if top else 0)


def _num(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _nice_top(value: float) -> float:
    """A round axis maximum at or above the value."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 < value:
        step *= 10
    for m in (1, 2, 2.5, 5, 10):
        if step * m >= value:
            return step * m
    return step * 10


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
    top = _nice_top(max([*totals, 0]))
    parts = _frame(title, top, unit) + _legend(names, colours)
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
    top = _nice_top(max([v for values in series.values() for v in values] or [0]))
    parts = _frame(title, top, unit) + _legend(names, colours)
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
