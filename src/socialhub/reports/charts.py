"""Small charts as SVG text (for the PDF and the browser) and as HTML tables (for
email: Gmail and Outlook drop inline SVG, but every client draws table cells).

Every label is escaped here, so callers may mark the result safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bars_svg", "line_svg", "table_bars", "table_spark"]

INK = "#1f2937"
MUTED = "#9ca3af"
BLUE = "#2563eb"
GREY = "#cbd5e1"
COLORS = {"positive": "#16a34a", "neutral": "#94a3b8", "negative": "#dc2626"}


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def line_svg(
    series: Sequence[Sequence[float]],
    *,
    labels: Sequence[str] = (),
    names: Sequence[str] = (),
    colors: Sequence[str] = (BLUE, GREY),
    width: int = 520,
    height: int = 140,
) -> str:
    """Lines over a shared x axis (e.g. this period vs the previous one).

    ``labels``: x tick labels, spread evenly under the axis (a few of them).
    """
    pad_l, pad_r, pad_t, pad_b = 34, 8, 10, 22
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    top = max((max(s) for s in series if len(s)), default=0) or 1
    n = max((len(s) for s in series), default=1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" '
        'font-size="9">',
        f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{pad_l + w}" y2="{pad_t + h}" '
        f'stroke="{MUTED}" stroke-width="0.6"/>',
        f'<text x="{pad_l - 4}" y="{pad_t + 7}" text-anchor="end" fill="{INK}">{_fmt(top)}</text>',
        f'<text x="{pad_l - 4}" y="{pad_t + h}" text-anchor="end" fill="{INK}">0</text>',
    ]
    step = w / max(1, n - 1)
    for k, values in reversed(list(enumerate(series))):
        points = " ".join(
            f"{pad_l + i * step:.1f},{pad_t + h - h * v / top:.1f}" for i, v in enumerate(values)
        )
        color = colors[k % len(colors)]
        parts.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="{2 if k == 0 else 1.4}" '
            f'points="{points}"/>'
        )
    if labels:
        shown = max(1, len(labels) // 6)
        for i, label in enumerate(labels):
            if i % shown == 0:
                parts.append(
                    f'<text x="{pad_l + i * step:.1f}" y="{height - 6}" text-anchor="middle" '
                    f'fill="{INK}">{escape(label)}</text>'
                )
    for k, name in enumerate(names):
        x = pad_l + 8 + k * 150
        parts.append(
            f'<rect x="{x}" y="{pad_t}" width="10" height="3" fill="{colors[k % len(colors)]}"/>'
            f'<text x="{x + 14}" y="{pad_t + 4}" fill="{INK}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(
    items: Sequence[tuple[str, float]],
    *,
    colors: Sequence[str] = (BLUE,),
    width: int = 520,
    bar: int = 14,
    suffix: str = "",
) -> str:
    """Horizontal bars, one per (label, value), with the value written after the bar."""
    pad_l, gap = 150, 6
    height = max(1, len(items)) * (bar + gap) + gap
    top = max((v for _, v in items), default=0) or 1
    w = width - pad_l - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" '
        'font-size="10">'
    ]
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar + gap)
        length = max(1.0, w * value / top)
        color = colors[i % len(colors)]
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{pad_l - 6}" y="{y + bar - 3}" text-anchor="end" fill="{INK}">'
            f"{escape(short)}</text>"
            f'<rect x="{pad_l}" y="{y}" width="{length:.1f}" height="{bar}" fill="{color}"/>'
            f'<text x="{pad_l + length + 4:.1f}" y="{y + bar - 3}" fill="{INK}">'
            f"{escape(_fmt(value) + suffix)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def table_bars(
    items: Sequence[tuple[str, float]],
    *,
    colors: Sequence[str] = (BLUE,),
    suffix: str = "",
    width: int = 360,
) -> str:
    """The email twin of :func:`bars_svg`: one table row per bar, widths in pixels."""
    top = max((v for _, v in items), default=0) or 1
    rows = []
    for i, (label, value) in enumerate(items):
        px = max(2, int(width * value / top))
        color = colors[i % len(colors)]
        rows.append(
            "<tr>"
            f'<td style="font:12px Arial,sans-serif;color:{INK};padding:2px 8px 2px 0;'
            f'white-space:nowrap">{escape(label)}</td>'
            f'<td style="padding:2px 0"><table role="presentation" cellpadding="0" '
            f'cellspacing="0" border="0"><tr><td width="{px}" height="12" '
            f'style="background:{color};width:{px}px;height:12px;font-size:0;'
            f'line-height:0">&nbsp;</td><td style="font:12px Arial,sans-serif;'
            f'color:{INK};padding-left:6px">{escape(_fmt(value) + suffix)}</td></tr>'
            "</table></td></tr>"
        )
    return (
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0">'
        + "".join(rows)
        + "</table>"
    )


def table_spark(values: Sequence[float], *, color: str = BLUE, height: int = 40) -> str:
    """A column sparkline made of table cells (for email)."""
    top = max(values, default=0) or 1
    cells = []
    for v in values:
        px = max(1, int(height * v / top))
        cells.append(
            f'<td valign="bottom" style="padding:0 1px;vertical-align:bottom">'
            f'<div style="width:6px;height:{px}px;background:{color};font-size:0;'
            f'line-height:0">&nbsp;</div></td>'
        )
    return (
        f'<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        f'style="height:{height}px"><tr>' + "".join(cells) + "</tr></table>"
    )
