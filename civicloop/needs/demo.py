"""Demo story for needs: the 2019 round with its questionnaire (发放调查问卷200份), the current round drafted from
it, a station round with an open questionnaire, and home visits to empty-nest elderly and left-behind children."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from civicloop.core.choices import FocusGroup, Platform
from civicloop.needs import services
from civicloop.needs.models import Need, NeedsRound, Question, Response, Survey
from civicloop.network.models import Membership, Unit
from civicloop.people.models import Resident

NEEDS_2019 = [
    ("health", "empty_nest_elderly", "希望定期上门测量血压、血糖"),
    ("health", "empty_nest_elderly", "老年人慢性病健康讲座"),
    ("education", "left_behind_child", "留守儿童放学后作业辅导"),
    ("education", "empty_nest_elderly", "老年人学习使用智能手机"),
    ("culture", "", "社区广场舞和文艺演出"),
    ("culture", "left_behind_child", "周末亲子阅读活动"),
    ("lecture", "", "理论政策宣讲进社区"),
    ("lecture", "", "民法典普法宣讲"),
    ("science", "", "农业种植技术培训"),
    ("science", "left_behind_child", "青少年科普实验活动"),
    ("media", "", "社区新闻宣传报道培训"),
    ("health", "hardship", "困难家庭义诊和送药"),
    ("education", "", "家庭教育讲座"),
    ("culture", "empty_nest_elderly", "老年人书法绘画兴趣班"),
    ("health", "", "全民健身指导"),
]
UNMET_REASONS = ["缺少专业志愿者", "场地不足", "经费未落实", "需跨部门协调"]
TEXT_ANSWERS = [
    "希望多开展健康讲座和义诊",
    "孩子放学后没人辅导作业",
    "老人不会用智能手机挂号",
    "希望有更多文化活动",
    "希望社区组织健身活动",
    "需要普法宣传",
    "希望上门测血压",
    "留守儿童需要心理关爱",
]


def _staff_of(unit: Unit) -> Any:
    for u in [unit, *Unit.objects.get_ancestors(unit).reverse()]:
        m = Membership.objects.filter(unit=u, role=Membership.Role.STAFF).select_related("user").first()
        if m is not None:
            return m.user
    return None


def _survey(unit: Unit, rnd: NeedsRound, title: str, actor: Any) -> Survey:
    survey = services.survey_create(
        unit=unit, title=title, round=rnd, actor=actor, intro="为精准掌握群众需求，请您抽出几分钟填写。"
    )
    services.question_add(
        survey=survey,
        kind=Question.Kind.SINGLE,
        text="您最希望得到哪一类服务？",
        required=True,
        options=[
            str(label) for label in ("理论宣讲", "教育服务", "科技服务", "文化活动", "健康义诊", "媒体宣传")
        ],
        actor=actor,
    )
    services.question_add(
        survey=survey,
        kind=Question.Kind.MULTIPLE,
        text="您方便参加活动的时间",
        required=False,
        options=["工作日白天", "工作日晚上", "周末上午", "周末下午"],
        actor=actor,
    )
    services.question_add(
        survey=survey, kind=Question.Kind.RATING, text="您对现有志愿服务的满意度", required=True, actor=actor
    )
    services.question_add(
        survey=survey, kind=Question.Kind.TEXT, text="您还有哪些需求和建议？", required=False, actor=actor
    )
    services.survey_publish(survey=survey, actor=actor)
    return survey


def _answers(survey: Survey, rng: random.Random) -> dict[int, list[str]]:
    q = list(survey.questions.all())
    return {
        q[0].pk: [rng.choice(q[0].options)],
        q[1].pk: rng.sample(q[1].options, rng.randint(1, 2)),
        q[2].pk: [str(rng.choice([3, 4, 4, 5, 5, 5]))],
        q[3].pk: [rng.choice(TEXT_ANSWERS)] if rng.random() < 0.6 else [],
    }


def seed(*, rng: random.Random, today: dt.date, scale: int = 0) -> None:
    root = Unit.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    office = _staff_of(root)
    stations = list(
        Unit.objects.filter(
            path__startswith=root.path, level=Unit.Level.STATION, kind=Unit.Kind.PRACTICE
        ).order_by("path")
    )
    if not stations:
        return
    tz = timezone.get_current_timezone()

    # 2019: the district round and its questionnaire, 200 copies handed out.
    r2019 = services.round_open(
        unit=root,
        title="2019年新时代文明实践需求征集",
        starts_on=dt.date(2019, 3, 1),
        ends_on=dt.date(2019, 11, 30),
        target_groups=[FocusGroup.EMPTY_NEST_ELDERLY, FocusGroup.LEFT_BEHIND_CHILD],
        scope_note="全区各镇（街道）、村（社区）",
        actor=office,
    )
    survey = _survey(root, r2019, "2019年新时代文明实践群众需求调查问卷", office)
    online_users = [
        r.user
        for r in Resident.objects.filter(unit_path__startswith=root.path, user__isnull=False).select_related(
            "user"
        )[:40]
    ]
    for user in online_users:
        services.response_submit(survey=survey, respondent=user, answers=_answers(survey, rng))
    online = len(online_users)
    services.survey_set_paper_distributed(survey=survey, count=200 - online, actor=office)
    for _ in range(min(150, 200 - online)):
        services.response_enter_paper(survey=survey, answers=_answers(survey, rng), actor=office)
    Response.objects.filter(survey=survey).update(created_at=dt.datetime(2019, 4, 15, 10, tzinfo=tz))
    Survey.objects.filter(pk=survey.pk).update(created_at=dt.datetime(2019, 3, 20, 9, tzinfo=tz))
    services.survey_close(survey=survey, actor=office)

    made: list[Need] = []
    for i, (category, group, text) in enumerate(NEEDS_2019 * 2):
        station = stations[i % len(stations)]
        need = services.need_record(
            round=r2019,
            unit=station,
            description=text,
            category=category,
            focus_group=group,
            source=rng.choice([Need.Source.SURVEY, Need.Source.ORDER, Need.Source.VISIT]),
            actor=office,
        )
        made.append(need)
    for i, need in enumerate(made):
        roll = i % 5
        if roll in (0, 1):
            status, reason = Need.Status.PLANNED, ""
        elif roll == 2:
            status, reason = Need.Status.UNMET, rng.choice(UNMET_REASONS)
        else:
            status, reason = Need.Status.PLANNED, ""
        services.need_update(
            need=need,
            actor=office,
            category=need.category,
            focus_group=need.focus_group,
            description=need.description,
            status=status,
            unmet_reason=reason,
            recurring=(i % 7 == 0),
        )
        month = 3 + i % 9
        Need.objects.filter(pk=need.pk).update(created_at=dt.datetime(2019, month, 10, 9, tzinfo=tz))
    current = services.round_close(round=r2019, actor=office, today=today)
    NeedsRound.objects.filter(pk=current.pk).update(title=f"{today.year}年新时代文明实践需求征集")
    NeedsRound.objects.filter(pk=r2019.pk).update(closed_at=dt.datetime(2019, 12, 1, 9, tzinfo=tz))

    # The station round at 万和阳光社区 (or the first station), with an open questionnaire and home visits.
    station = next((s for s in stations if "万和阳光" in s.name), stations[0])
    staff = _staff_of(station)
    srnd = services.round_open(
        unit=station,
        title=f"{station.name.replace('新时代文明实践站', '')}{today.year}年需求征集",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=60),
        target_groups=[FocusGroup.EMPTY_NEST_ELDERLY, FocusGroup.LEFT_BEHIND_CHILD],
        actor=staff,
    )
    s2 = _survey(station, srnd, "社区居民需求调查问卷", staff)
    for user in online_users[:5]:
        if Resident.objects.filter(user=user, unit_path__startswith=station.path).exists():
            services.response_submit(survey=s2, respondent=user, answers=_answers(s2, rng))
    services.survey_set_paper_distributed(survey=s2, count=30, actor=staff)
    for _ in range(12):
        services.response_enter_paper(survey=s2, answers=_answers(s2, rng), actor=staff)
    visited = list(
        Resident.objects.filter(unit_path__startswith=station.path, erased_at__isnull=True).order_by("id")[:6]
    )
    visit_texts = [
        ("empty_nest_elderly", "health", "独居老人，希望每周有人上门测血压"),
        ("empty_nest_elderly", "culture", "老人希望有人陪同聊天、读报"),
        ("left_behind_child", "education", "孩子父母在外务工，需要课后作业辅导"),
        ("left_behind_child", "culture", "孩子希望参加周末兴趣班"),
        ("empty_nest_elderly", "health", "行动不便，希望志愿者帮忙代购药品"),
        ("left_behind_child", "science", "孩子对科普实验很感兴趣"),
    ]
    for resident, (group, category, text) in zip(visited, visit_texts, strict=False):
        services.need_record_visit(
            round=srnd,
            resident=resident,
            visited_on=today - dt.timedelta(days=rng.randint(1, 25)),
            focus_group=group,
            category=category,
            description=text,
            actor=staff,
        )
    services.round_import_orders(round=srnd, actor=staff)
    for category in rng.sample(list(Platform.values), 3):
        services.need_record(
            round=srnd,
            unit=station,
            description=f"居民希望多开展{Platform(category).label}类活动",
            category=category,
            source=Need.Source.SURVEY,
            actor=staff,
        )
