"""Accessible charts rendered on the server as inline SVG.

Each chart has a ``<title>`` and a ``<desc>`` referenced by ``aria-labelledby``; every bar and
point carries its value as text, and series differ by pattern (solid/dashed line, round/square
marker, hatched bars) as well as colour, so colour never carries the information alone. The
page shows the same numbers in a table next to each chart.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

SERIES_STYLES = (
    {"color": "#1f4e79", "dash": "", "marker": "circle", "pattern": "plein"},
    {"color": "#b34700", "dash": "6 4", "marker": "square", "pattern": "hachures"},
    {"color": "#2e6b30", "dash": "2 3", "marker": "triangle", "pattern": "points"},
)


def _header(uid: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{uid}-titre {uid}-desc" class="graphique">',
        f'<title id="{uid}-titre">{escape(title)}</title><desc id="{uid}-desc">{escape(desc)}</desc>',
        "<defs>"
        f'<pattern id="{uid}-hachures" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{SERIES_STYLES[1]["color"]}"/><line x1="0" y1="0" x2="0" y2="6" '
        'stroke="#fff" stroke-width="2"/></pattern>'
        f'<pattern id="{uid}-points" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{SERIES_STYLES[2]["color"]}"/><circle cx="3" cy="3" r="1.3" fill="#fff"/>'
        "</pattern></defs>",
    ]


def _fill(uid: str, index: int) -> str:
    style = SERIES_STYLES[index % len(SERIES_STYLES)]
    return style["color"] if style["pattern"] == "plein" else f"url(#{uid}-{style['pattern']})"


def _legend(uid: str, names: list[str], x: int, y: int, lines: bool) -> list[str]:
    parts = []
    for index, name in enumerate(names):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        left = x + index * 170
        if lines:
            parts.append(f'<line x1="{left}" y1="{y - 4}" x2="{left + 24}" y2="{y - 4}" stroke="{style["color"]}" '
                         f'stroke-width="2" stroke-dasharray="{style["dash"]}"/>')
            parts.append(_marker(style["marker"], left + 12, y - 4, style["color"]))
        else:
            parts.append(f'<rect x="{left}" y="{y - 10}" width="18" height="12" fill="{_fill(uid, index)}" '
                         'stroke="#000" stroke-width=".5"/>')
        parts.append(f'<text x="{left + 30}" y="{y}" font-size="12">{escape(name)}</text>')
    return parts


def _marker(kind: str, x: float, y: float, color: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{color}"/>'
    if kind == "triangle":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}" fill="{color}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"/>'


def bar_chart(uid: str, title: str, desc: str, labels: list[str], series: dict[str, list[int]]) -> str:
    """Grouped horizontal bars: one group per label, one bar per series, each labelled with its value."""
    names = list(series)
    bar_h, gap, left, width = 14, 12, 190, 720
    group_h = bar_h * len(names) + gap
    height = 50 + group_h * max(len(labels), 1) + 30
    peak = max([v for values in series.values() for v in values] + [1])
    scale = (width - left - 60) / peak
    parts = _header(uid, title, desc, width, height)
    parts += _legend(uid, names, left, 20, lines=False)
    for row, label in enumerate(labels):
        top = 40 + row * group_h
        parts.append(f'<text x="{left - 8}" y="{top + group_h / 2:.1f}" text-anchor="end" font-size="12">'
                     f"{escape(label[:28])}</text>")
        for index, name in enumerate(names):
            value = series[name][row]
            y = top + index * bar_h
            parts.append(f'<rect x="{left}" y="{y}" width="{value * scale:.1f}" height="{bar_h - 2}" '
                         f'fill="{_fill(uid, index)}" stroke="#000" stroke-width=".5"/>')
            parts.append(f'<text x="{left + value * scale + 4:.1f}" y="{y + bar_h - 4}" font-size="11">'
                         f"{value}</text>")
    parts.append(f'<line x1="{left}" y1="36" x2="{left}" y2="{height - 24}" stroke="#000"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(uid: str, title: str, desc: str, labels: list[str], series: dict[str, list[int]]) -> str:
    """Lines over time: each series has its own dash pattern and marker, and every point its value."""
    names = list(series)
    width, height, left, bottom, top = 720, 300, 50, 250, 40
    peak = max([v for values in series.values() for v in values] + [1])
    step = (width - left - 30) / max(len(labels) - 1, 1)
    parts = _header(uid, title, desc, width, height)
    parts += _legend(uid, names, left, 20, lines=True)
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{width - 20}" y2="{bottom}" stroke="#000"/>')
    for index, label in enumerate(labels):
        x = left + index * step
        parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="10">{escape(label)}</text>')
    for number, name in enumerate(names):
        style = SERIES_STYLES[number % len(SERIES_STYLES)]
        points = [
            (left + i * step, bottom - (value / peak) * (bottom - top)) for i, value in enumerate(series[name])
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{style["color"]}" stroke-width="2" '
                     f'stroke-dasharray="{style["dash"]}"/>')
        for (x, y), value in zip(points, series[name], strict=True):
            parts.append(_marker(style["marker"], x, y, style["color"]))
            parts.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="10">{value}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
