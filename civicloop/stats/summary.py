"""The annual summary paragraph in the newspaper's style, written from the figures.

"截至2019年底，已累计开展各类新时代文明实践活动60余场，服务群众5000余人，发放调查问卷200份，收集群众点单191份"
Counts of documents (questionnaires, orders) are given exactly, as the seed does; counts of events and people are
rounded with 余 (a little over), 近 (a little under) or 逾 (well over, for ten-thousands).

服务群众 is `Figures.served`, the one definition every figure uses: people reached by the practice activities plus
people served by completed orders (the dashboard tile says so). The date is the period's true end: its last day,
or today while it is still running. An English reader gets the same sentence in English (issue #13).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from civicloop.stats.selectors import Figures


def _round_down(value: int) -> int:
    magnitude = 10 ** (len(str(value)) - 1)
    return value // magnitude * magnitude


def _next_round(value: int) -> int:
    magnitude = 10 ** (len(str(value)) - 1)
    return (value // magnitude + 1) * magnitude


def _wan(value: int) -> str:
    wan = value / 10000
    text = f"{wan:.1f}".rstrip("0").rstrip(".")
    return f"{text}万"


def approx(value: int) -> str:
    """60 → '60', 62 → '60余', 58 → '近60', 5234 → '5000余', 4960 → '近5000', 15234 → '逾1.5万'."""
    if value < 20:
        return str(value)
    if value >= 10000:
        floored = value // 1000 * 1000
        return _wan(value) if floored == value else f"逾{_wan(floored)}"
    lower, upper = _round_down(value), _next_round(value)
    if value == lower:
        return str(value)
    if upper - value <= max(1, upper // 20):  # within 5% under the next round number
        return f"近{upper}"
    return f"{lower}余"


def month_label(month: dt.date, *, year: bool = False) -> str:
    """A month in the reader's language: 3月 / 2026年3月 in Chinese, Mar / Mar 2026 in English (issue #13)."""
    if (translation.get_language() or "zh").lower().startswith("zh"):
        return f"{month.year}年{month.month}月" if year else f"{month.month}月"
    return f"{month:%b %Y}" if year else f"{month:%b}"


def approx_en(value: int) -> str:
    """The same rounding in English: 62 → 'over 60', 58 → 'nearly 60', 15234 → 'over 15,000'."""
    if value < 20:
        return str(value)
    if value >= 10000:
        floored = value // 1000 * 1000
        return f"{value:,}" if floored == value else f"over {floored:,}"
    lower, upper = _round_down(value), _next_round(value)
    if value == lower:
        return f"{value:,}"
    if upper - value <= max(1, upper // 20):
        return f"nearly {upper:,}"
    return f"over {lower:,}"


def period_end(figures: Figures, today: dt.date | None = None) -> dt.date:
    """The day the figures are true for: the period's last day, or today while the period is still running."""
    return min(figures.end, today or timezone.localdate())


def summary_sentence(figures: Figures, *, as_of: dt.date | None = None) -> str:
    as_of = as_of or period_end(figures)
    if not (translation.get_language() or "zh").lower().startswith("zh"):
        return _summary_en(figures, as_of)
    when = (
        f"截至{as_of.year}年底"
        if (as_of.month, as_of.day) == (12, 31)
        else f"截至{as_of.year}年{as_of.month}月{as_of.day}日"
    )
    parts = [
        f"已累计开展各类新时代文明实践活动{approx(figures.activities)}场",
        f"服务群众{approx(figures.served)}人",
    ]
    if figures.surveys_distributed:
        parts.append(f"发放调查问卷{figures.surveys_distributed}份")
    parts.append(f"收集群众点单{figures.orders}份")
    if figures.hours:
        parts.append(f"志愿服务时长{approx(int(figures.hours))}小时")
    return f"{when}，" + "，".join(parts) + "。"


def _summary_en(figures: Figures, as_of: dt.date) -> str:
    parts = [
        f"{approx_en(figures.activities)} practice activities held",
        f"{approx_en(figures.served)} people served",
    ]
    if figures.surveys_distributed:
        parts.append(f"{figures.surveys_distributed:,} questionnaires handed out")
    parts.append(f"{figures.orders:,} orders collected")
    if figures.hours:
        parts.append(f"{approx_en(int(figures.hours))} volunteer service hours")
    return f"As of {as_of.day} {as_of:%B %Y}: " + ", ".join(parts) + "."
