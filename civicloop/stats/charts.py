"""Server-side SVG charts: no JavaScript library, nothing fetched from outside, readable on a phone."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe


def bar_chart(
    labels: Sequence[str], values: Sequence[float], *, title: str, height: int = 220, color: str = "#c8102e"
) -> SafeString:
    """A vertical bar chart that scales to its container (viewBox), with values above the bars."""
    n = max(len(values), 1)
    width, top, bottom, left = max(320, n * 48), 24, 40, 8
    peak = max([float(v) for v in values] + [1.0])
    slot = (width - left * 2) / n
    bar = slot * 0.64
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>'
    ]
    usable = height - top - bottom
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = 0 if peak == 0 else usable * float(value) / peak
        x = left + i * slot + (slot - bar) / 2
        y = top + usable - h
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}" rx="3"/>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{y - 5:.1f}" font-size="12" text-anchor="middle" fill="#1f2328">{escape(shown)}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 18:.1f}" font-size="12" text-anchor="middle" '
            f'fill="#5b636b">{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + usable}" x2="{width - left}" y2="{top + usable}" stroke="#d9dde1"/>'
    )
    parts.append("</svg>")
    # every text inside is escaped above
    return mark_safe("".join(parts))
