"""Kundulun demo orders: the 191 orders collected in 2019 (收集群众点单191份) and a year of recent orders in
every state, walked through the real services so every event, rating, record and notification is genuine.

The services stamp everything with the current time; afterwards this module moves each order's history back
to believable times with queryset.update (created_at, event times, deadlines, report/rating/record dates) —
history only, never a state change. Orders are numbered again for their historical day the same way.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from civicloop.network.models import Membership, Unit
from civicloop.notify.models import Notification
from civicloop.orders import services
from civicloop.orders.models import (
    Order,
    OrderAssignment,
    OrderAttendance,
    OrderEvent,
    OrderRating,
    OrderReport,
)
from civicloop.people.models import Resident, Team, User
from civicloop.records.models import ServiceRecord

ORDERS_2019 = 191
RECENT = 120

NEEDS = {
    "lecture": ["党的政策宣讲", "乡村振兴政策解读", "法律知识讲座", "防范电信诈骗宣讲", "民法典进社区"],
    "education": ["留守儿童课业辅导", "暑期托管", "家庭教育讲座", "老年人智能手机培训", "书法兴趣班"],
    "science": ["农业种植技术指导", "科普小课堂", "网购防骗指导", "养殖技术培训", "家电安全使用讲解"],
    "culture": ["社区文艺汇演", "广场舞教学", "送戏下乡", "春节写春联", "读书分享会"],
    "health": ["上门量血压测血糖", "义诊咨询", "老年人健康讲座", "中医理疗进社区", "心理疏导"],
    "media": ["拍摄社区宣传片", "活动摄影", "微信公众号培训", "志愿故事采写", "短视频制作指导"],
}
TAGS = ["准时", "耐心", "专业", "热情", "解决了问题", "态度好"]
LOW_TAGS = ["迟到", "没解决问题", "时间太短"]
COMMENTS = ["非常感谢志愿者", "服务很周到", "希望以后常来", "志愿者很耐心", "解决了大问题", ""]


class _World:
    """Who is who in the base demo data, found by querying (no fixed keys)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        stations = list(
            Unit.objects.filter(level=Unit.Level.STATION, kind=Unit.Kind.PRACTICE, is_active=True)
        )
        teams = list(
            Team.objects.filter(is_active=True, leader__isnull=False)
            .select_related("leader")
            .prefetch_related("served_units", "memberships__volunteer__user")
        )
        self.residents: dict[int, list[Resident]] = defaultdict(list)
        for r in Resident.objects.filter(erased_at__isnull=True).select_related("unit", "user"):
            self.residents[r.unit_id].append(r)
        staff = defaultdict(list)
        for m in Membership.objects.filter(role=Membership.Role.STAFF).select_related("user", "unit"):
            staff[m.unit.path].append(m.user)
        self.staff_by_path = staff
        self.places: list[tuple[Unit, Resident, Team]] = []
        # residents of each unit, with the teams that serve them
        units = {u.pk: u for u in Unit.objects.filter(pk__in=list(self.residents))}
        for unit_id, rows in self.residents.items():
            unit = units[unit_id]
            serving = [t for t in teams if any(unit.path.startswith(s.path) for s in t.served_units.all())]
            if serving and rows:
                self.places.append((unit, rows, serving))  # type: ignore[arg-type]
        self.stations = stations
        self.department = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, is_active=True).first()
        self.liaison = (
            User.objects.filter(
                memberships__role=Membership.Role.LIAISON, memberships__unit=self.department
            ).first()
            if self.department
            else None
        )

    def staff_for(self, unit: Unit) -> User:
        path = unit.path
        while path:
            if self.staff_by_path.get(path):
                return self.staff_by_path[path][0]
            path = path[: -unit.steplen]
        raise LookupError(f"no staff above {unit}")

    def pick(self, *, with_account: bool = False) -> tuple[Resident, Team, str]:
        places = self.places
        if with_account:
            places = [p for p in places if any(r.user_id for r in p[1])]
        _unit, rows, serving = self.rng.choice(places)
        team = self.rng.choice(serving)
        resident = self.rng.choice([r for r in rows if r.user_id] if with_account else rows)
        category = self.rng.choice(team.categories or ["health"])
        return resident, team, category


def _members(team: Team) -> list[Any]:
    return [m.volunteer for m in team.memberships.all() if m.volunteer.is_active]


def _walk(w: _World, target: str, *, low: bool = False, claim: bool | None = None) -> Order:
    """Submit one order and move it to `target` through the services."""
    rng = w.rng
    resident, team, category = w.pick(with_account=low)
    staff = w.staff_for(resident.unit)
    need = rng.choice(NEEDS[category])
    own = resident.user_id is not None and rng.random() < 0.7
    order = services.order_submit(
        actor=resident.user if own else staff,
        resident=resident,
        category=category,
        title=need,
        description=f"{resident.unit.name.removesuffix('新时代文明实践站')}群众希望开展“{need}”服务。",
        channel="online" if own else rng.choice(["staff_entry", "phone", "visit", "wish_wall"]),
        beneficiaries=rng.choice([1, 1, 1, 2, 5, 10, 20, 30]),
        focus_group=rng.choice(["", "", "empty_nest_elderly", "left_behind_child", "hardship"]),
    )
    if target == "submitted":
        return order
    if target == "rejected":
        services.order_reject(
            actor=staff,
            order=order,
            reason=rng.choice(["超出志愿服务范围，已转相关部门", "信息不全，无法联系"]),
        )
        return order
    if target == "cancelled" and rng.random() < 0.5:
        services.order_cancel(actor=resident.user or staff, order=order, reason="需求已解决")
        return order
    claim = rng.random() < 0.6 if claim is None else claim
    if target == "dispatched":
        claim = False
    leader = team.leader
    if claim:
        services.order_publish(actor=staff, order=order)
        if target == "open":
            return order
        if target == "cancelled":
            services.order_cancel(actor=staff, order=order, reason="群众改期")
            return order
        if services.policy.team_has_capacity(team):
            services.order_claim(actor=leader, order=order, team=team)
        else:
            services.order_withdraw(actor=staff, order=order)
            services.order_dispatch(actor=staff, order=order, team=team)
            services.order_accept(actor=leader, order=order)
    else:
        services.order_dispatch(actor=staff, order=order, team=team)
        if target == "dispatched":
            return order
        if target == "cancelled":
            services.order_cancel(actor=staff, order=order, reason="群众改期")
            return order
        services.order_accept(actor=leader, order=order)
    if target == "open":
        services.order_release(actor=leader, order=order, reason="队员临时外出")
        return order
    if target == "dispatched":
        return order
    if target == "cancelled":
        services.order_cancel(actor=staff, order=order, reason="群众改期")
        return order
    members = _members(team)
    chosen = rng.sample(members, min(len(members), rng.randint(1, 3))) if members else []
    if chosen:
        services.order_assign(actor=leader, order=order, volunteers=chosen)
    if target == "accepted":
        return order
    for v in chosen or [None]:
        services.order_check_in(actor=v.user if v else leader, order=order)
    if target == "in_service":
        return order
    # The services run in a moment; the attendance is history like the rest: the volunteers served this long
    # (the check-out's minimum time and the report's bound on hours read it), placed at the service time below.
    minutes = rng.choice([60, 90, 120, 150, 180, 240])
    _served_for(order, minutes)
    for v in chosen:
        services.order_check_out(actor=v.user, order=order)
    hours = {v.pk: Decimal(minutes) / 60 for v in chosen}
    if not hours:  # a team without members cannot report hours; leave it in service
        return order
    services.order_report(
        actor=leader,
        order=order,
        summary=f"完成“{need}”，群众反映良好。",
        people_served=order.beneficiaries,
        hours=hours,
    )
    rater = order.requester.user
    if rater is not None and (low or rng.random() < 0.6):
        score = rng.choice([1, 2]) if low else rng.choice([4, 5, 5, 5])
        services.order_rate(
            actor=rater,
            order=order,
            score=score,
            tags=rng.sample(LOW_TAGS if low else TAGS, 2),
            comment="志愿者来晚了" if low else rng.choice(COMMENTS),
        )
    if target == "served":
        return order
    if rng.random() < 0.08:  # some reports are sent back once
        services.order_return(actor=staff, order=order, reason="请补充服务照片和时长")
        # the rework is a session of its own: one volunteer checks in and out again
        services.order_check_in(actor=chosen[0].user, order=order)
        _served_for(order, 30)
        services.order_check_out(actor=chosen[0].user, order=order)
        services.order_report(
            actor=leader,
            order=order,
            summary=f"补充材料：完成“{need}”。",
            people_served=order.beneficiaries,
            hours=hours,
        )
    services.order_verify(actor=staff, order=order, note="核实无误")
    return order


def _served_for(order: Order, minutes: int) -> None:
    """Move the open sessions' check-ins `minutes` back (demo history; no state changes)."""
    back = timezone.now() - dt.timedelta(minutes=minutes)
    OrderAttendance.objects.filter(order=order, checked_out_at__isnull=True).update(checked_in_at=back)
    OrderAssignment.objects.filter(order=order, checked_in_at__isnull=False, checked_out_at__isnull=True).update(
        checked_in_at=back
    )
    services.policy.forget_assignments(order)


def _service_block(
    order: Order, events: list[tuple[int, str]], times: list[dt.datetime]
) -> tuple[list[dt.datetime], dict[int, dt.datetime]]:
    """Keep the spread times but make each session's check-outs come after its check-ins by the time served,
    and everything after them later still. Returns the times and each session's check-in time."""
    served: dict[int, float] = defaultdict(float)
    for session, t_in, t_out in OrderAttendance.objects.filter(order=order).values_list(
        "session", "checked_in_at", "checked_out_at"
    ):
        if t_out is not None:
            served[session] = max(served[session], (t_out - t_in).total_seconds())
    starts: dict[int, dt.datetime] = {}
    session, in_session, floor = 0, False, None
    out: list[dt.datetime] = []
    for (_pk, action), t in zip(events, times, strict=True):
        if floor is not None and t <= floor:
            t = floor + dt.timedelta(minutes=1)
        if action == "check_in" and not in_session:
            session, in_session = session + 1, True
            starts[session] = t
        elif action == "check_out" and session in starts:
            t = max(t, starts[session] + dt.timedelta(seconds=served.get(session, 0)))
        elif action not in ("check_in", "check_out"):
            in_session = in_session and action not in ("report", "return")
        out.append(t)
        floor = t
    shift = out[-1] - timezone.now() if out and out[-1] > timezone.now() else dt.timedelta(0)
    if shift:
        out = [t - shift - dt.timedelta(minutes=1) for t in out]
        starts = {k: t - shift - dt.timedelta(minutes=1) for k, t in starts.items()}
    return out, starts


def _backdate(order: Order, start: dt.datetime, end: dt.datetime, rng: random.Random) -> None:
    """Spread the order's history between start and end, keeping its order."""
    events = list(OrderEvent.objects.filter(order=order).order_by("pk").values_list("pk", "action"))
    span = max((end - start).total_seconds(), 60 * len(events))
    cuts = sorted(rng.uniform(0, span) for _ in events[1:])
    times = [start] + [start + dt.timedelta(seconds=c) for c in cuts]
    times, starts = _service_block(order, events, times)
    when: dict[str, dt.datetime] = {}
    for (_pk, action), t in zip(events, times, strict=True):
        when.setdefault(action, t)
        when[f"last_{action}"] = t
    OrderEvent.objects.filter(order=order).update(
        created_at=Case(*(When(pk=pk, then=Value(t)) for (pk, _a), t in zip(events, times, strict=True)))
    )
    last = times[-1]
    o = Order.objects.get(pk=order.pk)
    fields: dict[str, Any] = {"created_at": times[0], "updated_at": last}
    if o.wanted_from is None and 1 in starts:
        # The service time the first check-in kept to (it falls inside the check-in window, orders/attendance.py).
        slot = timezone.localtime(starts[1]).replace(minute=0, second=0, microsecond=0)
        fields["wanted_from"], fields["wanted_to"] = slot, slot + dt.timedelta(hours=4)
    elif o.wanted_from is None:
        fields["wanted_from"] = start + dt.timedelta(days=rng.randint(1, 5), hours=9 - start.hour)
        fields["wanted_to"] = fields["wanted_from"] + dt.timedelta(hours=2)
    if o.closed_at:
        fields["closed_at"] = last
    Order.objects.filter(pk=o.pk).update(**fields)
    report_at = when.get("last_report")
    if report_at:
        OrderReport.objects.filter(order=o).update(
            created_at=report_at, updated_at=report_at, served_on=timezone.localtime(report_at).date()
        )
        ServiceRecord.objects.filter(source="order", source_id=o.pk).update(
            served_on=timezone.localtime(report_at).date(), created_at=when.get("verify", last)
        )
    if "rate" in when:
        OrderRating.objects.filter(order=o).update(created_at=when["rate"])
    for row in OrderAttendance.objects.filter(order=o):
        t_in = starts.get(row.session)
        if t_in is None:
            continue
        t_out = t_in + (row.checked_out_at - row.checked_in_at) if row.checked_out_at else None
        OrderAttendance.objects.filter(pk=row.pk).update(checked_in_at=t_in, checked_out_at=t_out)
        OrderAssignment.objects.filter(pk=row.assignment_id, sessions=row.session).exclude(
            checked_in_at__isnull=True
        ).update(checked_in_at=t_in, checked_out_at=t_out)
    Notification.objects.filter(order=o).update(created_at=last)


_NUMBER = re.compile(r"[A-Za-z0-9]+-\d{8}-\d{4,}-\d{4,}")


def _renumber(prefix: str) -> None:
    """Give every order the number of its (historical) day, in creation order."""
    rows = list(Order.objects.order_by("created_at", "pk").values_list("pk", "created_at", "unit_id", "number"))
    Order.objects.update(number=Concat(Value("TMP-"), Cast("pk", CharField())))
    seq: dict[str, int] = defaultdict(int)
    renamed: dict[str, str] = {}
    for pk, created, unit_id, old in rows:
        day = f"{prefix}-{timezone.localtime(created):%Y%m%d}-{unit_id:04d}-"  # as services._today_prefix
        seq[day] += 1
        renamed[old] = f"{day}{seq[day]:04d}"
        Order.objects.filter(pk=pk).update(number=renamed[old])
    _renumber_messages(renamed)


def _renumber_messages(renamed: dict[str, str]) -> None:
    """The messages written while the orders had today's numbers point at the new ones (links, texts, codes'
    parameters), or the demo inbox would link to orders that do not exist."""
    from civicloop.notify.models import InboxItem

    def swap(text: str) -> str:  # one pass: a new number may equal another order's old one
        return _NUMBER.sub(lambda m: renamed.get(m.group(0), m.group(0)), text)

    for model in (Notification, InboxItem):
        changed = []
        for row in model.objects.filter(url__startswith="/orders/"):
            row.url, row.title, row.body = swap(row.url), swap(row.title), swap(row.body)
            row.params = {
                part: {k: swap(v) if isinstance(v, str) else v for k, v in values.items()}
                for part, values in (row.params or {}).items()
            }
            changed.append(row)
        model.objects.bulk_update(changed, ["url", "title", "body", "params"], batch_size=500)


def seed(*, rng: random.Random, today: dt.date, scale: int = 0) -> None:
    from django.conf import settings

    w = _World(rng)
    if not w.places:
        return
    tz = timezone.get_current_timezone()
    now = timezone.now()

    def at(day: dt.date, hour: int | None = None) -> dt.datetime:
        return dt.datetime.combine(
            day, dt.time(hour if hour is not None else rng.randint(8, 19), rng.randint(0, 59)), tz
        )

    # 2019: 191 orders, most closed and rated, a few rejected or cancelled.
    start_2019 = dt.date(2019, 3, 1)
    days_2019 = (dt.date(2019, 12, 28) - start_2019).days
    plan_2019 = ["closed"] * (ORDERS_2019 - 11) + ["rejected"] * 6 + ["cancelled"] * 5
    rng.shuffle(plan_2019)
    for target in plan_2019:
        day = start_2019 + dt.timedelta(days=rng.randint(0, days_2019))
        order = _walk(w, target, claim=rng.random() < 0.5)
        t0 = at(day)
        _backdate(order, t0, t0 + dt.timedelta(days=rng.uniform(1, 12)), rng)

    # The last twelve months: older orders finished, recent ones in every state.
    in_flight = (
        ["submitted"] * 8
        + ["open"] * 8
        + ["dispatched"] * 6
        + ["accepted"] * 8
        + ["in_service"] * 5
        + ["served"] * 8
    )
    finished = (
        ["closed"] * (RECENT - len(in_flight) - 12) + ["rejected"] * 4 + ["cancelled"] * 4 + ["low"] * 4
    )
    overdue: list[Order] = []
    for target in finished:
        day = today - dt.timedelta(days=rng.randint(20, 360))
        order = _walk(w, "closed" if target == "low" else target, low=target == "low")
        t0 = at(day)
        _backdate(order, t0, t0 + dt.timedelta(days=rng.uniform(1, 10)), rng)
    for index, target in enumerate(in_flight):
        age = dt.timedelta(hours=rng.uniform(2, 24 * 12))
        order = _walk(w, target)
        t0 = now - age
        _backdate(order, t0, now - age * rng.uniform(0.05, 0.5), rng)
        late = index % 4 == 0  # a quarter of them are past their deadline: the job raises them below
        due = (
            (t0 + dt.timedelta(hours=12))
            if late and t0 + dt.timedelta(hours=12) < now
            else now + dt.timedelta(hours=rng.randint(6, 72))
        )
        Order.objects.filter(pk=order.pk).update(
            review_due=due if target == "submitted" else None,
            claim_due=due if target in ("open", "dispatched") else None,
            complete_due=due if target in ("accepted", "in_service") else None,
        )
        if late:
            overdue.append(order)

    _renumber(settings.CIVICLOOP["DISTRICT_PREFIX"])
    services.orders_auto_rate()
    for rating in OrderRating.objects.filter(automatic=True).select_related("order__report"):
        when = rating.order.report.updated_at + dt.timedelta(
            days=settings.CIVICLOOP.get("AUTO_RATING_DAYS", 7)
        )
        OrderRating.objects.filter(pk=rating.pk).update(created_at=when)
        OrderEvent.objects.filter(order=rating.order, action="rate", automatic=True).update(created_at=when)
    services.orders_escalate_overdue()

    # Two hard orders: the station blows the whistle and the health department answers one of them.
    if w.department is not None:
        hard = list(
            Order.objects.filter(status__in=["accepted", "submitted"], escalation_level=0).order_by(
                "-created_at"
            )[:2]
        )
        for i, order in enumerate(hard):
            staff = w.staff_for(order.unit)
            whistle = services.order_whistle(
                actor=staff,
                order=order,
                departments=[w.department],
                note="独居老人行动不便，需要医生上门，请卫健委协调。",
            )
            if i == 0 and w.liaison is not None:
                services.whistle_answer(
                    actor=w.liaison, whistle=whistle, answer="已安排社区卫生服务中心医生本周上门。"
                )

    # Old notifications are history: keep the inbox to the last two weeks.
    Notification.objects.filter(Q(order__created_at__lt=now - dt.timedelta(days=14))).delete()
