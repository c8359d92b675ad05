"""Small server-rendered SVG charts for the staff analytics page.

No JavaScript and no style attributes (the page's stylesheet colours them by class), so they work
under a strict CSP and without a charting library. Each chart names itself for screen readers
(``role="img"`` + ``<title>``/``<desc>``); the same numbers are in a table and a CSV beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 30
X_LABELS = 6  # at most this many labels under the x axis


def nice_max(value: float) -> float:
    """The smallest 1/2/5×10ⁿ at or above ``value`` (1 for an empty chart)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(step * power for step in (1, 2, 5, 10) if step * power >= value))


def _frame(
    key: str, title: str, description: str, body: list[str], top: float, fmt: Callable[[float], str]
) -> Markup:
    inner_h = HEIGHT - TOP - BOTTOM
    grid = []
    for i in range(5):
        y = TOP + inner_h * i / 4
        grid.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>')
        label = escape(fmt(top * (4 - i) / 4))
        grid.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    axis = (
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}"/>'
    )
    return Markup(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="t-{key} d-{key}">'
        f'<title id="t-{key}">{escape(title)}</title><desc id="d-{key}">{escape(description)}</desc>'
        + "".join(grid)
        + axis
        + "".join(body)
        + "</svg>"
    )


def _x_labels(labels: Sequence[str], xs: Sequence[float]) -> list[str]:
    step = max(1, math.ceil(len(labels) / X_LABELS))
    return [
        f'<text x="{xs[i]:.1f}" y="{HEIGHT - 10}" text-anchor="middle">{escape(labels[i])}</text>'
        for i in range(0, len(labels), step)
    ]


def line_chart(
    key: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
) -> Markup:
    """One line per series over the same x labels (days); the first series is also shaded."""
    top = nice_max(max((v for _name, values in series for v in values), default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(labels), 1)
    xs = [LEFT + (inner_w * i / (n - 1) if n > 1 else inner_w / 2) for i in range(n)]
    body: list[str] = []
    for index, (name, values) in enumerate(series):
        points = [(xs[i], TOP + inner_h * (1 - v / top)) for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        if index == 0 and len(points) > 1:
            base = HEIGHT - BOTTOM
            body.append(
                f'<polygon class="area" points="{xs[0]:.1f},{base} {path} {points[-1][0]:.1f},{base}"/>'
            )
        body.append(
            f'<polyline class="line{" alt" if index else ""}" points="{path}">'
            f"<title>{escape(name)}</title></polyline>"
        )
        if len(points) == 1:
            body.append(f'<circle class="dot" cx="{points[0][0]:.1f}" cy="{points[0][1]:.1f}" r="4"/>')
    body += _x_labels(labels, xs)
    description = "；".join(
        f"{name}：" + "，".join(f"{label} {fmt(v)}" for label, v in zip(labels, values, strict=False))
        for name, values in series
    )
    return _frame(key, title, description, body, top, fmt)


def bar_chart(
    key: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
) -> Markup:
    """Vertical bars, one per label (result positions)."""
    top = nice_max(max(values, default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / max(len(values), 1)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(values))]
    body = []
    for x, label, v in zip(xs, labels, values, strict=True):
        h = inner_h * v / top
        body.append(
            f'<rect class="bar" x="{x - slot * 0.35:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" '
            f'width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}"><title>{escape(label)}：{escape(fmt(v))}</title></rect>'
        )
    body += _x_labels(labels, xs)
    description = "，".join(f"{label} {fmt(v)}" for label, v in zip(labels, values, strict=True))
    return _frame(key, title, description, body, top, fmt)
