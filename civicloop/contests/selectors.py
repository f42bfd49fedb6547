"""Reads for calls for entries: lists, figures (by unit, category, day; judging progress) and vote bursts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMinute

from civicloop.contests.models import Call, Entry, Judge, Score, Vote
from civicloop.contests.policies import STAGE_OF_STATE, judge_conflicted

SUBMITTED_STATES = ("submitted", "eligible", "ineligible", "first_round", "second_round", "publicity",
                    "awarded", "not_awarded")


def entries_for_list(call: Call) -> QuerySet[Entry]:
    return call.entries.exclude(status="draft").order_by("submitted_at", "pk")


def figures(call: Call) -> dict[str, Any]:
    """The call's figures, counted from indexed columns (call, status, submitted_at)."""
    entries = call.entries.filter(status__in=SUBMITTED_STATES)
    by_state = dict(call.entries.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "total": entries.count(),
        "by_state": by_state,
        "by_unit": list(
            entries.values("organisation").annotate(n=Count("pk")).order_by("-n", "organisation")[:50]
        ),
        "by_category": list(entries.values("category").annotate(n=Count("pk")).order_by("-n", "category")),
        "by_source": list(entries.values("source").annotate(n=Count("pk")).order_by("-n")),
        "by_day": list(
            entries.annotate(day=TruncDate("submitted_at")).values("day").annotate(n=Count("pk")).order_by("day")
        ),
        "progress": judging_progress(call),
        "votes": Vote.objects.filter(call=call, discounted=False).count(),
        "discounted": Vote.objects.filter(call=call, discounted=True).count(),
    }


def judging_progress(call: Call) -> list[dict[str, Any]]:
    """Per stage: scores given against scores expected (each judge × each entry of the stage they may judge)."""
    rows = []
    for stage, label in Judge.Stage.choices:
        state = next(s for s, st in STAGE_OF_STATE.items() if st == stage)
        judges = list(call.judges.filter(stage=stage).select_related("user").prefetch_related("recusals"))
        entries = list(call.entries.filter(status=state))
        # scores of the entries now in this stage (those moved on to the next stage count there)
        done = Score.objects.filter(entry__in=[e.pk for e in entries], stage=stage)
        per_judge = dict(done.values_list("judge_id").annotate(n=Count("pk")).values_list("judge_id", "n"))
        expected = 0
        people = []
        for judge in judges:
            mine = sum(1 for e in entries if not judge_conflicted(judge, e))
            expected += mine
            people.append({"judge": judge, "done": per_judge.get(judge.pk, 0), "expected": mine})
        rows.append({"stage": stage, "label": label, "entries": len(entries), "done": sum(per_judge.values()),
                     "expected": expected, "judges": people})
    return rows


def vote_bursts(call: Call, *, threshold: int = 20) -> list[dict[str, Any]]:
    """Minutes in which one IP address (or one device) gave at least `threshold` counted votes: candidates for a
    person to look at and, with a reason, discount."""
    base = Vote.objects.filter(call=call, discounted=False).annotate(minute=TruncMinute("created_at"))
    found = []
    for key in ("ip", "device"):
        rows = (
            (base.exclude(ip__isnull=True) if key == "ip" else base.exclude(device=""))
            .values(key, "minute").annotate(votes=Count("pk")).filter(votes__gte=threshold).order_by("-votes")[:50]
        )
        for r in rows:
            found.append({"kind": key, "ip": r[key] if key == "ip" else "", "device": r[key] if key == "device" else "",
                          "minute": r["minute"], "until": r["minute"] + dt.timedelta(minutes=1),
                          "votes": r["votes"]})
    # a burst seen by IP and by device is the same burst: keep the IP row
    seen = {(r["minute"], r["votes"]) for r in found if r["kind"] == "ip"}
    return [r for r in found if r["kind"] == "ip" or (r["minute"], r["votes"]) not in seen]


def candidates(call: Call) -> QuerySet[Entry]:
    """Nominations on the public list with their counted votes."""
    return (
        call.entries.filter(status__in=["eligible", "publicity", "awarded"])
        .annotate(n=Count("votes", filter=Q(votes__discounted=False)))
        .order_by("-n", "submitted_at", "pk")
    )


def results(call: Call) -> QuerySet[Entry]:
    state = "awarded" if call.status == "published" else "publicity"
    order = {"first": 0, "second": 1, "third": 2, "merit": 3}
    qs = call.entries.filter(status=state)
    return sorted(qs, key=lambda e: (order.get(e.award, 9), e.rank or 0))  # type: ignore[return-value]


def dashboard_panel(unit: Any, start: dt.date, end: dt.date) -> Any:
    """The stats dashboard's panel (registered in apps.py through core.figures): the calls organised inside the
    unit's subtree that were open during the period, with their counts from `figures`."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from civicloop.contests.workflow import CALL
    from civicloop.core.figures import Panel

    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    last = dt.datetime.combine(end, dt.time.max, tzinfo=tz)
    calls = list(
        Call.objects.filter(unit_path__startswith=unit.path, opens_at__lte=last, closes_at__gte=first)
        .exclude(status="draft").order_by("-opens_at", "pk")[:10]
    )
    if not calls:
        return None
    rows = []
    for call in calls:
        f = figures(call)
        judged = sum(r["done"] for r in f["progress"])
        expected = sum(r["expected"] for r in f["progress"])
        rows.append([call.title, call.get_kind_display(), str(CALL.state(call).label), f["total"],
                     sum(r["n"] for r in f["by_source"] if r["source"] == Entry.Source.EMAIL),
                     f"{judged}/{expected}" if expected else "—", f["votes"]])
    return Panel(
        title=_("Calls for entries"),
        columns=[_("Call"), _("Kind of call"), _("Call state"), _("Entries"), _("By e-mail"), _("Scores given"), _("Votes")],
        rows=rows, link="/contests/manage/", numeric={3, 4, 5, 6},
        note=_("Calls organised in this area and open during the period."),
    )
