"""Demo story of the committee's year (issue 16), after the Kundulun article: the district set up its New Era
Civilization Practice leading group headed by the district party secretary, held a joint meeting (联席会), issued
the implementation plan (实施方案: goals, key tasks, measures, requirements) and by the end of 2019 had built
1 centre, 2 institutes, 6 stations and 2 points; member units ran practical projects, pilot and brand projects.
The 2020 plenary hears the 2019 completion report, adopts the 2020 work points and two member units' 述职.
Names of people are invented. Runs inside seed_demo's transaction, so steps use `apply`, not `run`."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from civicloop.network.models import Membership, Unit
from civicloop.network.services import membership_grant, unit_create
from civicloop.people import services as people
from civicloop.plans import services
from civicloop.plans.models import Member, Plan, Project
from civicloop.plans.workflow import FOLLOW_UP, PLAN, PROJECT, YEAR_REPORT

IMPLEMENTATION_ITEMS = [
    dict(
        goal="2019年底前建成新时代文明实践中心1个、实践所2个、实践站6个、实践点2个，形成中心统筹、所站落实、点位延伸的工作格局。",
        key_tasks="昆河镇承担实践所建设试点；万和阳光社区建设示范实践站；推动中心与融媒体中心、党群服务中心、政务服务中心叠加整合。",
        measures="领导小组统筹，联席会定期调度；实践所与镇（街道）党群服务中心、综合文化站整合，实践站与村（社区）党群服务中心整合。",
        requirements="各成员单位明确分管领导和联络员，按月报送进展，年底前完成阵地建设并通过验收。",
        lead="propaganda", partners=["kunhe", "zhaotan"],
    ),
    dict(
        goal="打造“讲教科文卫媒”六大平台，开展形式多样的文明实践活动。",
        key_tasks="理论宣讲进村入户；家庭教育和留守儿童关爱；科普进社区；文化惠民演出；健康义诊；融媒体传播。",
        measures="推行群众“点单”、中心（所、站）“派单”、志愿者“领单”、群众“评单”的工作模式。",
        requirements="全年开展文明实践活动不少于60场，服务群众5000人次以上。",
        lead="health", partners=["edu", "culture", "sci", "media"],
    ),
    dict(
        goal="壮大志愿服务队伍，建立“中心吹哨、部门动员、各方参与”的工作机制。",
        key_tasks="以在职党员志愿者为骨干，动员乡土人才、科技能人、“五老”人员、大学生、返乡创业人员和新乡贤组建志愿服务队。",
        measures="各成员单位组建本系统志愿服务队，响应中心吹哨；支持社会公益组织参与。",
        requirements="重点聚焦空巢老人、留守儿童和特困群体，精准对接群众需求。",
        lead="civil", partners=["health", "edu"],
    ),
    dict(
        goal="谋划实施特色试点项目，每个街镇、行业至少培育1个品牌项目。",
        key_tasks="推动文明实践向行业领域延伸；培育“适销对路”的志愿服务项目。",
        measures="年底前评选一批品牌项目，在融媒体平台集中展示。",
        requirements="品牌项目有队伍、有阵地、有活动、有记录。",
        lead="propaganda", partners=["culture", "media"],
    ),
]

WORK_POINTS_2020 = [
    dict(goal="推进新时代文明实践所、站全域化，逐步实现全覆盖。", key_tasks="新建实践站不少于10个，全部街镇建成实践所。", measures="分批验收，联席会按季度调度。", requirements="9月底前完成选址和整合方案。", lead="propaganda", partners=["kunhe", "zhaotan"]),
    dict(goal="完善“中心吹哨、部门动员、各方参与”的工作机制。", key_tasks="各成员单位明确响应时限和联络员。", measures="吹哨事项纳入成员单位年度述职。", requirements="吹哨响应率100%。", lead="health", partners=["civil", "edu"]),
    dict(goal="推动实践中心与融媒体中心、党群服务中心、政务服务中心等阵地叠加整合。", key_tasks="统一阵地标识、统一活动预约。", measures="融媒体中心开设文明实践专栏。", requirements="上半年完成阵地整合。", lead="media", partners=["propaganda"]),
    dict(goal="形成文明实践志愿服务工作闭环。", key_tasks="精准掌握需求、梳理分析、对接供需、接单派单、评单验单、新一轮需求征集六个步骤。", measures="依托平台线上线下互联互通。", requirements="群众满意率不低于95%。", lead="propaganda", partners=["health", "edu", "culture", "sci"]),
]


def _unit(root: Unit, name: str, kind: str = Unit.Kind.DEPARTMENT, industry: str = "") -> Unit:
    found = Unit.objects.filter(path__startswith=root.path, name=name).first()
    return found or unit_create(parent=root, name=name, kind=kind, industry=industry)


def _acting_user(unit: Unit, username: str, full_name: str) -> Any:
    """The person who acts for a member unit: its liaison or staff, or a new (login-less) staff member."""
    m = Membership.objects.filter(unit=unit, role__in=[Membership.Role.LIAISON, Membership.Role.STAFF]).select_related("user").first()
    if m is not None:
        return m.user
    user = people.user_create(username=username, password=None, full_name=full_name)
    membership_grant(user=user, unit=unit, role=Membership.Role.STAFF, title="文明办联络员")
    return user


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def seed(*, rng: random.Random, today: dt.date, scale: int = 0) -> None:
    root = Unit.objects.filter(depth=1).order_by("path").first()
    office = Membership.objects.filter(unit=root, role=Membership.Role.STAFF).select_related("user").order_by("id").first()
    if root is None or office is None:
        return
    boss = office.user
    units = {
        "propaganda": _unit(root, "区委宣传部"),
        "health": _unit(root, "区卫生健康委员会", industry="卫生健康"),
        "edu": _unit(root, "区教育局", industry="教育"),
        "culture": _unit(root, "区文化旅游体育局", industry="文化旅游体育"),
        "sci": _unit(root, "区科学技术协会", industry="科技"),
        "civil": _unit(root, "区民政局", industry="民政"),
        "media": _unit(root, "区融媒体中心", kind=Unit.Kind.VENUE, industry="媒体"),
        "kunhe": Unit.objects.get(path__startswith=root.path, name="昆河镇新时代文明实践所"),
        "zhaotan": Unit.objects.get(path__startswith=root.path, name="沼潭街道新时代文明实践所"),
    }
    committee = services.committee_create(
        unit=root, name="昆都仑区精神文明建设委员会", actor=boss, group_name="昆都仑区新时代文明实践领导小组",
        head_name="高志远", head_title="区委书记", office_name="区文明办（设在区委宣传部）",
    )
    roles = {"propaganda": Member.Role.OFFICE, "health": Member.Role.LEAD_GROUP, "edu": Member.Role.LEAD_GROUP, "culture": Member.Role.LEAD_GROUP}
    contacts = ["周丽萍", "秦晓东", "吕雅琴", "邵国栋", "彭志红", "姚建新", "谭丽娟", "蒋立平", "范文静"]
    members: dict[str, Member] = {}
    for i, (key, unit) in enumerate(units.items()):
        members[key] = services.member_add(committee=committee, unit=unit, actor=boss, role=roles.get(key, Member.Role.MEMBER), contact_name=contacts[i])
    actors = {key: _acting_user(unit, f"plans_{key}", contacts[i]) for i, (key, unit) in enumerate(units.items())}

    # 2019: the joint meeting and the implementation plan it adopted
    joint = services.meeting_create(
        committee=committee, kind="joint", title="昆都仑区新时代文明实践工作联席会", held_at=_at(dt.date(2019, 4, 18)),
        actor=boss, place="昆河镇党群服务中心", attendees=list(members.values()),
    )
    plan = services.plan_create(committee=committee, year=2019, kind=Plan.Kind.IMPLEMENTATION, title="昆都仑区建设新时代文明实践中心（所、站）工作实施方案", actor=boss)
    _items(plan, IMPLEMENTATION_ITEMS, members, boss)
    PLAN.apply("circulate", plan, actor=boss)
    PLAN.apply("adopt", plan, actor=boss, data={"meeting": joint.pk})
    PLAN.apply("publish", plan, actor=boss)
    services.agenda_add(meeting=joint, title="审议《实施方案》", plan=plan, actor=boss)
    services.resolution_add(meeting=joint, text="原则通过《昆都仑区建设新时代文明实践中心（所、站）工作实施方案》，由区文明办印发实施。", actor=boss)
    services.resolution_add(meeting=joint, text="昆河镇承担实践所建设试点任务，年底前完成。", actor=boss)
    fu = services.followup_add(meeting=joint, owner=members["kunhe"], title="报送实践所试点建设方案", due_on=dt.date(2019, 5, 10), actor=boss)
    FOLLOW_UP.apply("finish", fu, actor=actors["kunhe"], cleaned={"note": "已报送"})
    services.meeting_minutes(meeting=joint, minutes="会议由领导小组组长主持，研究部署新时代文明实践中心建设试点工作。", actor=boss)

    # 2019 practical projects
    item1, item2, item3, item4 = list(plan.items.order_by("position"))
    construction = _project(
        members["propaganda"], actors["propaganda"], 2019, "建成新时代文明实践中心1个、所2个、站6个、点2个", 11, "个", "实践阵地",
        plan_item=item1, milestones=[("实践中心挂牌", dt.date(2019, 6, 30)), ("实践所、站建成", dt.date(2019, 10, 31)), ("实践点建成", dt.date(2019, 12, 15))],
        reports=[(1, 1, "实践中心完成选址整合"), (2, 3, "实践中心挂牌，昆河镇实践所建成"), (3, 8, "6个实践站建成"), (4, 11, "2个实践点建成，全部通过验收")],
    )
    for milestone, done in zip(construction.milestones.order_by("due_on"), (dt.date(2019, 6, 20), dt.date(2019, 10, 25), dt.date(2019, 12, 12)), strict=True):
        services.milestone_done(milestone=milestone, actor=actors["propaganda"], done_on=done)
    PROJECT.apply("complete", construction, actor=actors["propaganda"], cleaned={"done_on": dt.date(2019, 12, 20)})
    pilot = _project(members["kunhe"], actors["kunhe"], 2019, "新时代文明实践所建设试点（特色试点项目）", 1, "个", "试点实践所", plan_item=item1, kind="pilot",
                     reports=[(2, 0, "试点方案报送"), (3, 1, "实践所与镇党群服务中心、综合文化站整合完成")])
    PROJECT.apply("complete", pilot, actor=actors["kunhe"], cleaned={"done_on": dt.date(2019, 9, 28)})
    clinic = _project(members["health"], actors["health"], 2019, "“健康进万家”义诊进社区", 24, "场", "义诊活动", plan_item=item2,
                      reports=[(q, 6 * q + rng.randint(-1, 1), "医务志愿者下沉社区义诊") for q in (1, 2, 3)])
    PROJECT.apply("complete", clinic, actor=actors["health"], cleaned={"done_on": dt.date(2019, 12, 10)})
    school = _project(members["edu"], actors["edu"], 2019, "“家长学校”家庭教育讲座", 12, "场", "讲座", plan_item=item2,
                      reports=[(1, 2, "启动"), (2, 4, "学期安排冲突，进度滞后")], on_track_quarters={1})
    PROJECT.apply("complete", school, actor=actors["edu"], cleaned={"done_on": dt.date(2020, 1, 15)})  # done late
    shows = _project(members["culture"], actors["culture"], 2019, "文化惠民演出进村（社区）", 30, "场", "演出", plan_item=item2,
                     reports=[(q, 8 * q, "送戏、送书、送电影") for q in (1, 2, 3)])
    PROJECT.apply("complete", shows, actor=actors["culture"], cleaned={"done_on": dt.date(2019, 11, 30)})
    _project(members["sci"], actors["sci"], 2019, "组建科技能人志愿服务队", 2, "支", "志愿服务队", plan_item=item3,
             reports=[(2, 1, "组建1支"), (3, 1, "第二支队伍招募不足")], on_track_quarters={2})  # overdue, not done
    brands = _project(members["propaganda"], actors["propaganda"], 2019, "每个街镇、行业至少培育1个品牌项目", 6, "个", "品牌项目",
                      plan_item=item4, kind="brand", metric="brand_projects")
    PROJECT.apply("complete", brands, actor=boss, cleaned={"done_on": dt.date(2019, 12, 28)})
    dropped = _project(members["civil"], actors["civil"], 2019, "社区养老驿站志愿服务点", 3, "个", "服务点", plan_item=item3)
    PROJECT.apply("drop", dropped, actor=boss, cleaned={"note": "与区民政局养老服务中心项目合并实施"})

    # two year reports (述职) for 2019; the others are still missing on the office's tracker
    health_report = services.year_report_save(member=members["health"], year=2019, actor=actors["health"], text=(
        "2019年，区卫生健康委员会按照领导小组部署，组建医务志愿服务队4支，开展“健康进万家”义诊进社区24场，"
        "服务群众1800余人次，响应中心吹哨事项全部办结。2020年将把义诊向实践点延伸。"))
    edu_report = services.year_report_save(member=members["edu"], year=2019, actor=actors["edu"], text=(
        "2019年，区教育局组织“家长学校”家庭教育讲座12场，其中2场于2020年1月完成，未能按期完成，原因是学期安排冲突。"
        "大学生志愿者为留守儿童开展课后辅导。2020年将提前排定讲座计划。"))
    YEAR_REPORT.apply("submit", health_report, actor=actors["health"])
    YEAR_REPORT.apply("submit", edu_report, actor=actors["edu"])

    # the 2020 plenary: completion report, 2020 work points, 述职
    plenary = services.meeting_create(
        committee=committee, kind="plenary", title="昆都仑区文明委2020年第一次全体会议", held_at=_at(dt.date(2020, 3, 26), 15),
        actor=boss, mode="video", place="区委常委会议室（主会场）",
        branch_venues="昆河镇新时代文明实践所分会场\n沼潭街道新时代文明实践所分会场", attendees=list(members.values()),
    )
    points = services.plan_create(committee=committee, year=2020, kind=Plan.Kind.WORK_POINTS, title="2020年精神文明建设工作要点", actor=boss)
    _items(points, WORK_POINTS_2020, members, boss)
    PLAN.apply("circulate", points, actor=boss)
    first = points.items.order_by("position").first()
    PLAN.apply("comment", points, actor=actors["health"], data={"item": first.pk, "note": "建议将实践点建设一并纳入全域化目标。"})
    PLAN.apply("comment", points, actor=actors["edu"], data={"item": first.pk, "note": "同意，教育系统可提供校园场地作为实践点。"})
    services.plan_item_save(plan=points, item=first, actor=boss, goal=first.goal + "实践点向小区、校园延伸。", key_tasks=first.key_tasks, measures=first.measures, requirements=first.requirements, lead=first.lead, partners=list(first.partners.all()))
    PLAN.apply("adopt", points, actor=boss, data={"meeting": plenary.pk})
    PLAN.apply("publish", points, actor=boss)
    services.agenda_add(meeting=plenary, title="通报2019年成员单位实事项目完成情况", project=construction, actor=boss)
    services.agenda_add(meeting=plenary, title="审议《2020年精神文明建设工作要点》", plan=points, actor=boss)
    services.agenda_add(meeting=plenary, title="区卫生健康委员会述职", year_report=health_report, actor=boss)
    services.agenda_add(meeting=plenary, title="区教育局述职", year_report=edu_report, actor=boss)
    for report in (health_report, edu_report):
        YEAR_REPORT.apply("present", report, actor=boss, data={"meeting": plenary.pk})
    YEAR_REPORT.apply("score", health_report, actor=boss, data={"score": str(90 + rng.randint(0, 8))})
    services.resolution_add(meeting=plenary, text="审议通过《2020年精神文明建设工作要点》和2020年实事项目。", actor=boss)
    services.resolution_add(meeting=plenary, text="区科学技术协会未完成的志愿服务队组建任务转入2020年，限期完成。", actor=boss)
    services.followup_add(meeting=plenary, owner=members["sci"], title="完成第二支科技能人志愿服务队组建", due_on=dt.date(2020, 6, 30), actor=boss)
    services.followup_add(meeting=plenary, owner=members["health"], title="报送2020年实事项目季度计划", due_on=dt.date(2020, 4, 15), actor=boss)
    services.meeting_minutes(meeting=plenary, minutes="会议以视频形式召开，设两个分会场。会议通报2019年实事项目完成情况，审议通过2020年工作要点，两家成员单位述职。", actor=boss)

    # this year: projects whose targets are platform figures, read from the dashboard's counters
    year = today.year
    _project(members["propaganda"], actors["propaganda"], year, "全年开展新时代文明实践活动", 60, "场", "活动", metric="activities",
             milestones=[("上半年过半", dt.date(year, 6, 30))])
    _project(members["health"], actors["health"], year, "医务志愿服务时长", 500, "小时", "志愿服务", metric="hours", metric_unit=root)
    _project(members["kunhe"], actors["kunhe"], year, "新建实践站", 4, "个", "实践站", milestones=[("完成选址", dt.date(year, 5, 31))])


def _items(plan: Plan, specs: list[dict[str, Any]], members: dict[str, Member], actor: Any) -> None:
    for spec in specs:
        services.plan_item_save(
            plan=plan, actor=actor, goal=spec["goal"], key_tasks=spec["key_tasks"], measures=spec["measures"],
            requirements=spec["requirements"], lead=members[spec["lead"]], partners=[members[k] for k in spec["partners"]],
        )


def _project(
    member: Member, actor: Any, year: int, title: str, target: int, word: str, item: str, *, plan_item: Any = None,
    kind: str = "", metric: str = "", metric_unit: Unit | None = None, milestones: list[tuple[str, dt.date]] | None = None,
    reports: list[tuple[int, int, str]] | None = None, on_track_quarters: set[int] | None = None,
) -> Project:
    project = services.project_create(
        member=member, year=year, title=title, target_value=target, target_unit=word, target_item=item,
        due_on=dt.date(year, 12, 31), plan_item=plan_item, kind=kind, metric=metric, metric_unit=metric_unit, actor=actor,
    )
    for name, due in milestones or []:
        services.milestone_add(project=project, title=name, due_on=due, actor=actor)
    for quarter, figure, text in reports or []:
        on_track = on_track_quarters is None or quarter in on_track_quarters
        services.progress_report_file(project=project, quarter=quarter, figure=max(figure, 0), text=text, on_track=on_track, actor=actor)
    project.refresh_from_db()
    return project
