"""Bulk problem histories for the demo and the bench: rows and their events written with bulk_create at the
times the story needs (the workflow stamps events with the present), then the counters are rebuilt from a
recount. Every problem's fields agree with its events, so `figures.recount` over the result is exact."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from civicloop.campaigns import figures
from civicloop.campaigns.models import CATEGORY_HOURS, Campaign, Category, Problem, ProblemEvent
from civicloop.network.models import Unit

PLACES = ("主街", "背街小巷", "农贸市场门口", "小区北门", "公交站台", "学校周边", "河道沿线", "广场", "楼道口", "停车场")
DESCRIPTIONS = {
    "litter": "路边暴露垃圾未及时清运",
    "parking": "非机动车占用盲道乱停放",
    "stalls": "流动摊点占道经营",
    "adverts": "墙面、电杆乱贴小广告",
    "building": "私搭乱建彩钢棚",
    "piling": "楼道、路边乱堆杂物",
    "wires": "线缆乱拉乱挂",
    "river": "河道漂浮物、沟渠异味",
    "facade": "门头牌匾破损、立面污损",
    "facility": "路灯、护栏、井盖损坏",
    "publicity": "公益广告缺失或破损",
    "behaviour": "随地吐痰、不文明养犬等行为",
}
CATEGORIES = [c for c, _label in Category.choices]


def _near(rng: random.Random, value: float | None, spread: float) -> float | None:
    return None if value is None else round(value + rng.uniform(-spread, spread), 6)


def make_problems(
    *,
    campaign: Campaign,
    units: Sequence[Unit],
    inspector: Any,
    rectifier: Any = None,
    n: int,
    start: dt.datetime,
    days: int,
    now: dt.datetime,
    rng: random.Random,
    batch: int = 5000,
    rebuild: bool = True,
) -> list[int]:
    """`n` problems spread over `days` from `start`, in every state as of `now`; returns their ids."""
    h = dt.timedelta(hours=1)
    ids: list[int] = []
    recent: list[Problem] = []
    problems: list[Problem] = []
    plans: list[list[tuple[str, str, str, dt.datetime, Any, str]]] = []

    def flush() -> None:
        if not problems:
            return
        Problem.objects.bulk_create(problems, batch_size=batch)
        events = []
        for p, plan in zip(problems, plans, strict=True):
            for step, frm, to, at, actor, note in plan:
                events.append(ProblemEvent(subject=p, from_status=frm, to_status=to, step=step, actor=actor,
                                           unit_id=p.unit_id, note=note, automatic=actor is None, created_at=at))
        created = ProblemEvent._meta.get_field("created_at")
        created.auto_now_add = False  # keep the story's times (auto_now_add would stamp the present)
        try:
            ProblemEvent.objects.bulk_create(events, batch_size=batch)
        finally:
            created.auto_now_add = True
        ids.extend(p.pk for p in problems)
        problems.clear()
        plans.clear()

    parents: dict[int, Unit] = {}

    def parent_of(u: Unit) -> Unit:
        if u.pk not in parents:
            parents[u.pk] = Unit.objects.get_parent(u) or u
        return parents[u.pk]

    span = days * 86400
    for i in range(n):
        t0 = start + dt.timedelta(seconds=int(span * i / max(1, n)) + rng.randrange(0, 3600))
        if t0 >= now:
            t0 = now - dt.timedelta(minutes=rng.randrange(30, 600))
        unit = units[rng.randrange(len(units))]
        category = CATEGORIES[rng.randrange(len(CATEGORIES))]
        resident = rng.random() < 0.12
        lat, lng = _near(rng, unit.lat, 0.004), _near(rng, unit.lng, 0.004)
        place = f"{unit.name.replace('新时代文明实践站', '').replace('新时代文明实践所', '')}{PLACES[rng.randrange(len(PLACES))]}"
        recurrence = None
        if recent and rng.random() < 0.08:
            earlier = recent[rng.randrange(len(recent))]
            if earlier.pk is not None and earlier.unit is not None and earlier.registered_at and t0 - earlier.registered_at < dt.timedelta(days=campaign.recurrence_days):
                recurrence = earlier
                unit, category, lat, lng, place = earlier.unit, earlier.category, earlier.lat, earlier.lng, earlier.place
        p = Problem(
            campaign=campaign, category=category, description=DESCRIPTIONS[category], place=place, lat=lat, lng=lng,
            source=Problem.Source.RESIDENT if resident else Problem.Source.INSPECTOR, reporter=inspector,
            unit=unit, unit_path=unit.path, created_at=t0, status="reported",
        )
        plan: list[tuple[str, str, str, dt.datetime, Any, str]] = [("report", "", "reported", t0, inspector, "")]
        age = (now - t0).total_seconds() / 3600
        roll = rng.random()
        # residents' reports may still wait, or be turned down
        if resident and (age < 12 or roll < 0.15):
            if age >= 12 and roll < 0.1:
                plan.append(("reject", "reported", "rejected", t0 + 2 * h, inspector, "重复上报"))
                p.status = "rejected"
            else:
                p.unit = None
                p.unit_path = parent_of(unit).path
            problems.append(p)
            plans.append(plan)
            continue
        reg = t0 + dt.timedelta(minutes=rng.randrange(2, 90) if resident else 1)
        p.registered_at = reg
        p.recurrence_of = recurrence
        plan.append(("register", "reported", "registered", reg, inspector, ""))
        p.status = "registered"
        if age < 2 or rng.random() < 0.03:
            problems.append(p)
            plans.append(plan)
            recent.append(p)
            continue
        limit = dt.timedelta(hours=CATEGORY_HOURS[category])
        t = reg + dt.timedelta(minutes=5)
        plan.append(("assign", "registered", "assigned", t, inspector, ""))
        p.status, p.due_at = "assigned", t + limit
        reworks = 0
        while True:
            if rng.random() < 0.08:
                extra = rng.choice([24, 48])
                plan.append(("extend", "assigned", "assigned", t + limit * 0.5, inspector, "天气原因"))
                p.due_at += dt.timedelta(hours=extra)
                p.extension_count += 1
            late = rng.random() < 0.15
            took = (limit * rng.uniform(1.05, 2.5)) if late else (limit * rng.uniform(0.1, 0.9))
            done = t + took
            if done > now or rng.random() < 0.12:
                # still waiting: overdue ones were raised to the superior (督办) once
                if p.due_at < now:
                    parent = parent_of(unit)
                    plan.append(("escalate", "assigned", "assigned", p.due_at + h, None, ""))
                    p.escalation_level, p.escalated_to, p.escalated_due = 1, parent, p.due_at
                break
            if p.due_at < done:
                parent = parent_of(unit)
                plan.append(("escalate", "assigned", "assigned", p.due_at + h, None, ""))
                p.escalation_level, p.escalated_to, p.escalated_due = p.escalation_level + 1, parent, p.due_at
            plan.append(("rectify", "assigned", "rectified", done, rectifier, "已整改"))
            p.status, p.rectified_at = "rectified", done
            check = done + dt.timedelta(hours=rng.uniform(2, 30))
            if check > now or rng.random() < 0.06:  # some still wait for the re-check
                break
            if reworks < 2 and rng.random() < 0.18:
                plan.append(("check_fail", "rectified", "assigned", check, inspector, "整改不彻底"))
                reworks += 1
                p.status, p.rectified_at, p.rework_count = "assigned", None, reworks
                t = check
                p.due_at = t + limit
                continue
            plan.append(("check_pass", "rectified", "closed", check, inspector, ""))
            p.status, p.closed_at = "closed", check
            p.closed_on_time = bool(p.rectified_at and p.rectified_at <= p.due_at)
            break
        problems.append(p)
        plans.append(plan)
        recent.append(p)
        if len(recent) > 400:
            recent = recent[-200:]
        if len(problems) >= batch:
            # recurrence links need saved rows
            flush()
    flush()
    if rebuild:
        figures.rebuild(campaign)
    return ids

