"""Reads for needs: round lists, questionnaire counts and results, and the needs analysis."""

from __future__ import annotations

import datetime as dt
import logging
import re
import statistics
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr, TruncMonth

from civicloop.core.choices import FocusGroup, Platform
from civicloop.needs.models import Answer, Need, NeedsRound, Question, Response, Survey
from civicloop.network.models import Unit

STOPWORDS_FILE = Path(__file__).resolve().parent / "data" / "stopwords.txt"
TEXT_SAMPLE = 5000  # newest free-text rows read for keywords; enough for a district round
ORDER_SAMPLE = 5000
_jieba_lock = threading.Lock()
_jieba: Any = None


def _tokenizer() -> Any:
    """jieba, initialised on first use (loading its dictionary takes about a second)."""
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _jieba = jieba
    return _jieba


def stopwords() -> set[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return {w.strip() for w in lines if w.strip() and not w.startswith("#")}


_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]*$")


def top_keywords(texts: list[str], limit: int = 20) -> list[tuple[str, int]]:
    """Most frequent words of two or more characters, stop words removed."""
    if not texts:
        return []
    jieba = _tokenizer()
    stop = stopwords()
    counts: Counter[str] = Counter()
    for text in texts:
        for word in jieba.lcut(text):
            word = word.strip()
            if len(word) >= 2 and word not in stop and _WORD.match(word):
                counts[word] += 1
    return counts.most_common(limit)


# --- surveys -------------------------------------------------------------------------------------------------


def answered_on_device(survey: Survey, device_key: str) -> bool:
    """Has this device (the id in its signed cookie) already answered this questionnaire without an account?"""
    from civicloop.core.crypto import lookup_hash

    if not device_key:
        return False
    return Response.objects.filter(survey=survey, device_hash=lookup_hash(f"survey-device:{device_key}")).exists()


def survey_counts(survey: Survey) -> dict[str, int]:
    """distributed = paper copies handed out + online respondents; collected = all responses."""
    rows = dict(survey.responses.values_list("channel").annotate(n=Count("id")).values_list("channel", "n"))
    online = rows.get(Response.Channel.ONLINE, 0)
    paper = rows.get(Response.Channel.PAPER, 0)
    return {
        "online": online,
        "paper": paper,
        "paper_distributed": survey.paper_distributed,
        "distributed": survey.paper_distributed + online,
        "collected": online + paper,
    }


def survey_results(survey: Survey) -> list[dict[str, Any]]:
    """Per question: option counts (choices), score distribution and average (rating), recent texts (text)."""
    questions = list(survey.questions.all())
    answers = Answer.objects.filter(question__survey=survey)
    by_q: dict[int, list[Answer]] = {q.pk: [] for q in questions}
    for a in answers.only("question_id", "choices", "rating", "text").order_by("-id")[:20000]:
        by_q.setdefault(a.question_id, []).append(a)
    results = []
    for q in questions:
        rows = by_q.get(q.pk, [])
        item: dict[str, Any] = {
            "question": q,
            "answered": len(rows),
            "bars": [],
            "texts": [],
            "average": None,
        }
        if q.has_options:
            counts = Counter(c for a in rows for c in a.choices)
            item["bars"] = [(opt, counts.get(opt, 0)) for opt in q.options]
        elif q.kind == Question.Kind.RATING:
            counts = Counter(a.rating for a in rows if a.rating)
            item["bars"] = [(str(s), counts.get(s, 0)) for s in range(1, 6)]
            scores = [a.rating for a in rows if a.rating]
            item["average"] = round(sum(scores) / len(scores), 2) if scores else None
        else:
            item["texts"] = [a.text for a in rows[:20]]
            item["keywords"] = top_keywords([a.text for a in rows], limit=10)
        results.append(item)
    return results


def bar_chart_svg(bars: list[tuple[str, int]], *, width: int = 560, row: int = 32) -> str:
    """A horizontal bar chart as inline SVG (server-side, no JS library). Labels are escaped by the caller."""
    from django.utils.html import escape

    total = max((n for _, n in bars), default=0) or 1
    label_w = 190
    bar_w = width - label_w - 60
    height = row * max(len(bars), 1) + 6
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
    ]
    for i, (label, n) in enumerate(bars):
        y = i * row + 4
        w = round(bar_w * n / total) if n else 0
        short = label if len(label) <= 10 else label[:9] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row * 0.6:.0f}" text-anchor="end" font-size="17">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{row - 8}" rx="3" fill="#c8102e">'
            f"<title>{escape(label)}: {n}</title></rect>"
            f'<text x="{label_w + w + 6}" y="{y + row * 0.6:.0f}" font-size="17">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- analysis ------------------------------------------------------------------------------------------------


def _labelled(rows: list[tuple[str, int]], labels: dict[str, str], empty: str) -> list[tuple[str, int]]:
    return [(labels.get(key, key) if key else empty, n) for key, n in rows]


def needs_in(unit: Unit, start: dt.date, end: dt.date) -> QuerySet[Need]:
    """Needs of a unit's subtree whose round overlaps the period."""
    return Need.objects.filter(unit_path__startswith=unit.path).filter(
        Q(round__starts_on__lte=end, round__ends_on__gte=start)
    )


def needs_analysis(unit: Unit, start: dt.date, end: dt.date) -> dict[str, Any]:
    from django.utils.translation import gettext as _

    needs = needs_in(unit, start, end)
    total = needs.count()
    by_status = dict(needs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    cat = list(
        needs.values_list("category").annotate(n=Count("id")).order_by("-n").values_list("category", "n")
    )
    grp = list(
        needs.values_list("focus_group")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("focus_group", "n")
    )
    child_len = len(unit.path) + Unit.steplen
    per_child = list(
        needs.annotate(branch=Substr("unit_path", 1, child_len))
        .values_list("branch")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("branch", "n")
    )
    names = dict(Unit.objects.filter(path__in=[p for p, _n in per_child]).values_list("path", "name"))
    by_unit = [(names.get(p, unit.name) if p != unit.path else unit.name, n) for p, n in per_child]
    months = list(
        needs.annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by("month")
        .values_list("month", "n")
    )
    by_month = [(m.strftime("%Y-%m") if m else "-", n) for m, n in months]
    texts = list(needs.order_by("-id").values_list("description", flat=True)[:TEXT_SAMPLE])
    texts += list(
        Answer.objects.filter(
            question__kind=Question.Kind.TEXT,
            question__survey__unit_path__startswith=unit.path,
            response__created_at__date__gte=start,
            response__created_at__date__lte=end,
        )
        .order_by("-id")
        .values_list("text", flat=True)[:TEXT_SAMPLE]
    )
    unmet = (
        needs.filter(status=Need.Status.UNMET).select_related("unit", "round").order_by("-created_at")[:50]
    )
    recurring = (
        needs.filter(Q(recurring=True) | Q(recurrence_count__gt=1))
        .select_related("unit", "round")
        .order_by("-recurrence_count", "-created_at")[:50]
    )
    return {
        "total": total,
        "by_status": {s: by_status.get(s, 0) for s in Need.Status.values},
        "by_category": _labelled(cat, {k: str(v) for k, v in Platform.choices}, _("Not categorised")),
        "by_focus_group": _labelled(grp, {k: str(v) for k, v in FocusGroup.choices}, _("No focus group")),
        "by_unit": by_unit,
        "by_month": by_month,
        "keywords": top_keywords(texts, limit=20),
        "unmet": list(unmet),
        "recurring": list(recurring),
        "orders": order_stats(unit, start, end),
    }


def order_stats(unit: Unit, start: dt.date, end: dt.date) -> dict[str, Any] | None:
    """Response time and satisfaction from the orders of the subtree in the period (None without orders)."""
    try:
        from civicloop.orders.models import Order, OrderEvent
    except ImportError:  # the orders app is optional for the analysis
        return None
    orders = Order.objects.filter(
        unit_path__startswith=unit.path, created_at__date__gte=start, created_at__date__lte=end
    )
    first_accept = (
        OrderEvent.objects.filter(order=OuterRef("pk"), to_status="accepted")
        .order_by("created_at")
        .values("created_at")[:1]
    )
    rows = list(
        orders.annotate(accepted_at=Subquery(first_accept))
        .order_by("-created_at")
        .values_list("created_at", "accepted_at", "closed_at")[:ORDER_SAMPLE]
    )
    claim_hours = [(a - c).total_seconds() / 3600 for c, a, _x in rows if a]
    close_hours = [(x - c).total_seconds() / 3600 for c, _a, x in rows if x]
    rating = orders.filter(rating__isnull=False).aggregate(avg=Avg("rating__score"), n=Count("rating"))
    return {
        "count": orders.count(),
        "closed": orders.filter(status="closed").count(),
        "median_claim_hours": round(statistics.median(claim_hours), 1) if claim_hours else None,
        "median_close_hours": round(statistics.median(close_hours), 1) if close_hours else None,
        "avg_rating": round(rating["avg"], 2) if rating["avg"] is not None else None,
        "rated": rating["n"],
    }


def round_summary(rnd: NeedsRound) -> dict[str, int]:
    rows = dict(rnd.needs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {s: rows.get(s, 0) for s in Need.Status.values} | {"total": sum(rows.values())}


def rounds_with_counts(qs: QuerySet[NeedsRound]) -> QuerySet[NeedsRound]:
    return qs.select_related("unit").annotate(
        need_count=Count("needs", distinct=True),
        unmet_count=Count("needs", filter=Q(needs__status=Need.Status.UNMET), distinct=True),
    )


def surveys_with_counts(qs: QuerySet[Survey]) -> QuerySet[Survey]:
    return (
        qs.select_related("unit")
        .annotate(
            collected=Count("responses", distinct=True),
            online=Count("responses", filter=Q(responses__channel=Response.Channel.ONLINE), distinct=True),
        )
        .annotate(distributed=F("paper_distributed") + F("online"))
    )


def order_in_round(number: str, rnd: NeedsRound) -> Any:
    """The order a need is linked to, by its number, inside the round's area (ValidationError otherwise)."""
    if not number:
        return None
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from civicloop.orders import selectors as orders

    order = orders.in_subtree(number.strip(), rnd.unit_path)
    if order is None:
        raise ValidationError(_("No order with this number in the round's area."))
    return order


def activity_in_round(pk: int | None, rnd: NeedsRound) -> Any:
    if not pk:
        return None
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from civicloop.activities import selectors as activities

    activity = activities.in_subtree(pk, rnd.unit_path)
    if activity is None:
        raise ValidationError(_("No activity with this number in the round's area."))
    return activity
