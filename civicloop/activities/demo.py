"""The Kundulun activities story: 62 activities in 2019 serving over 5000 people (the seed: 60余场活动、服务群众
5000余人) across the six platforms and the stations, the last twelve months of activities, and some upcoming.

Past activities are written as the rows they would have become (published, signed in, closed); their hours go
through `records.services.record_credit` so the ledger and the points reconcile exactly as in real use.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from civicloop.activities.models import Activity, ActivityRole, Signup
from civicloop.network.models import Unit
from civicloop.people.models import Team, Volunteer

TITLES = {
    "lecture": ["党的理论微宣讲", "民法典进社区", "“学习强国”使用辅导", "百姓宣讲团进村入户"],
    "education": ["四点半课堂", "家庭教育讲座", "留守儿童暑期课堂", "老年人智能手机培训"],
    "science": ["科普大篷车进社区", "防范电信诈骗讲座", "农业实用技术培训", "垃圾分类科普"],
    "culture": ["社区文艺汇演", "广场舞展演", "书法进社区写春联", "露天电影放映"],
    "health": ["健康义诊进社区", "中医理疗进社区", "全民健身运动会", "健康知识讲座"],
    "media": ["文明实践短视频拍摄培训", "融媒体进社区", "“最美家庭”事迹宣传", "网络文明宣传"],
}
PLATFORMS = list(TITLES)
PLACES = ["党群服务中心多功能厅", "社区文化广场", "新时代文明实践站活动室", "村委会大院", "社区卫生服务站"]


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _closed(*, rng, unit, team, category, day, people, pool, creator) -> Activity:
    from civicloop.records.services import record_credit

    start = _aware(day, rng.choice([9, 10, 14, 15, 19]))
    length = rng.choice([2, 2, 3, 3, 4])
    quota = rng.randint(4, 10)
    chosen = rng.sample(pool, min(len(pool), rng.randint(3, quota))) if pool else []
    activity = Activity.objects.create(
        unit=unit,
        unit_path=unit.path,
        team=team,
        category=category,
        title=f"{rng.choice(TITLES[category])}",
        description="",
        place=f"{unit.name.removesuffix('新时代文明实践站')}{rng.choice(PLACES)}",
        lat=unit.lat,
        lng=unit.lng,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=length),
        expected_audience=people,
        status=Activity.Status.CLOSED,
        people_served=people,
        summary=f"活动顺利开展，服务群众{people}人。",
        created_by=creator,
        published_at=start - dt.timedelta(days=7),
        closed_at=start + dt.timedelta(hours=length + 1),
    )
    role = ActivityRole.objects.create(activity=activity, name="志愿者", quota=quota, filled=len(chosen))
    for volunteer in chosen:
        hours = Decimal(length) - (Decimal("0.5") if rng.random() < 0.2 else 0)
        Signup.objects.create(
            activity=activity,
            volunteer=volunteer,
            role=role,
            status=Signup.Status.APPROVED,
            signed_in_at=start,
            signed_out_at=start + dt.timedelta(hours=float(hours)),
            how=rng.choice([Signup.How.QR, Signup.How.QR, Signup.How.ROLL_CALL]),
            credited_hours=hours,
        )
        record_credit(
            volunteer=volunteer,
            hours=hours,
            source="activity",
            source_id=activity.pk,
            unit=unit,
            served_on=day,
            category=category,
            description=activity.title,
            created_by=creator,
        )
    return activity


def seed(*, rng: random.Random, today: dt.date, scale: int = 0) -> None:
    if Activity.objects.exists():
        return
    stations = list(Unit.objects.filter(level=Unit.Level.STATION, is_active=True).order_by("path"))
    institutes = list(Unit.objects.filter(level=Unit.Level.INSTITUTE, is_active=True).order_by("path"))
    if not stations:
        return
    hosts = stations * 2 + institutes
    volunteers = list(Volunteer.objects.filter(is_active=True).select_related("home_unit"))
    by_area: dict[str, list[Volunteer]] = defaultdict(list)
    for v in volunteers:
        by_area[v.unit_path[: Unit.steplen * 2]].append(v)  # the institute's subtree
    teams: dict[int, list[Team]] = defaultdict(list)
    for t in Team.objects.filter(is_active=True):
        teams[t.home_unit_id].append(t)
    from civicloop.network.models import Membership

    staff = {m.unit_id: m.user for m in Membership.objects.filter(role="staff").select_related("user")}

    def host_details(unit: Unit):
        pool = by_area.get(unit.path[: Unit.steplen * 2]) or volunteers
        team = rng.choice(teams[unit.pk]) if teams.get(unit.pk) and rng.random() < 0.6 else None
        return pool, team, staff.get(unit.pk)

    # 2019: 62 activities, every platform, every station; over 5000 people served.
    served_2019 = 0
    for i in range(62):
        unit = hosts[i % len(hosts)]
        day = dt.date(2019, 1, 1) + dt.timedelta(days=int(i * 364 / 62) + rng.randint(0, 4))
        people = rng.randint(60, 110)
        served_2019 += people
        pool, team, creator = host_details(unit)
        _closed(
            rng=rng,
            unit=unit,
            team=team,
            category=PLATFORMS[i % 6],
            day=day,
            people=people,
            pool=pool,
            creator=creator,
        )
    if served_2019 <= 5000:  # keep the seed's "5000余人" true whatever the random draw
        last = Activity.objects.filter(starts_at__year=2019).order_by("-starts_at").first()
        Activity.objects.filter(pk=last.pk).update(people_served=last.people_served + 5001 - served_2019)

    # The last twelve months before today.
    for _i in range(36):
        unit = rng.choice(hosts)
        day = today - dt.timedelta(days=rng.randint(3, 360))
        pool, team, creator = host_details(unit)
        _closed(
            rng=rng,
            unit=unit,
            team=team,
            category=rng.choice(PLATFORMS),
            day=day,
            people=rng.randint(20, 90),
            pool=pool,
            creator=creator,
        )

    # Upcoming, published and open for sign-up, with a few sign-ups already in.
    for i in range(8):
        unit = stations[i % len(stations)]
        start = _aware(today + dt.timedelta(days=2 + i * 3), rng.choice([9, 14, 19]))
        pool, team, creator = host_details(unit)
        category = PLATFORMS[i % 6]
        activity = Activity.objects.create(
            unit=unit,
            unit_path=unit.path,
            team=team,
            category=category,
            title=rng.choice(TITLES[category]),
            description="欢迎志愿者报名参加。",
            place=f"{unit.name.removesuffix('新时代文明实践站')}{rng.choice(PLACES)}",
            lat=unit.lat,
            lng=unit.lng,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            expected_audience=rng.randint(30, 100),
            status=Activity.Status.PUBLISHED,
            auto_accept=i % 3 != 0,
            created_by=creator,
            published_at=timezone.now(),
        )
        role = ActivityRole.objects.create(activity=activity, name="志愿者", quota=10, filled=0)
        ActivityRole.objects.create(activity=activity, name="摄影宣传", quota=1, filled=0)
        chosen = rng.sample(pool, min(len(pool), rng.randint(1, 5)))
        for volunteer in chosen:
            Signup.objects.create(
                activity=activity,
                volunteer=volunteer,
                role=role,
                status=Signup.Status.APPROVED if activity.auto_accept else Signup.Status.PENDING,
            )
        ActivityRole.objects.filter(pk=role.pk).update(filled=len(chosen))
    # One draft being planned.
    unit = stations[0]
    start = _aware(today + dt.timedelta(days=20), 9)
    draft = Activity.objects.create(
        unit=unit,
        unit_path=unit.path,
        category="culture",
        title="迎新春文艺汇演（筹备中）",
        place="社区文化广场",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        expected_audience=200,
        created_by=staff.get(unit.pk),
    )
    ActivityRole.objects.create(activity=draft, name="演员", quota=20)
    _makeup_claims(today)


def _makeup_claims(today: dt.date) -> None:
    """Make-up hours: volunteers who served at recent activities but whose sign-in was never recorded; the
    万和阳光社区 station's staff approve every other claim."""
    from django.core.exceptions import ValidationError

    from civicloop.network.models import Membership
    from civicloop.records import services as records

    station = Unit.objects.filter(level=Unit.Level.STATION, name__startswith="万和阳光社区").first()
    member = Membership.objects.filter(unit=station, role="staff").select_related("user").first() if station else None
    actor = member.user if member else None
    recent = list(
        Activity.objects.filter(status="closed", starts_at__date__gte=today - dt.timedelta(days=120))[:4]
    )
    for i, activity in enumerate(recent):
        served = Signup.objects.filter(activity=activity).values("volunteer_id")
        volunteer = (
            Volunteer.objects.filter(
                unit_path__startswith=activity.unit_path[: Unit.steplen * 2], is_active=True
            )
            .exclude(pk__in=served)
            .order_by("pk")
            .first()
        )
        if volunteer is None:
            continue
        try:
            claim = records.makeup_declare(
                volunteer=volunteer, activity=activity, hours=1 + (i % 2), note="忘记扫码签到，协助现场引导"
            )
        except ValidationError:
            continue
        if i % 2 == 0 and actor is not None:
            records.makeup_decide(claim=claim, approve=True, actor=actor)
