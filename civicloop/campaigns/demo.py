"""Demo story: Kundulun's 2020 civilised-city campaign (创建全国文明城市). The 八大行动 follow the seed's Taiyuan
article (基础设施、城市管理、“九乱”治理、“两下两进两拆”、爱国卫生、垃圾“清零”、河道疏浚、街貌整饰); two office
leaders in charge of the two towns/streets (包联) with their 督导 visits; ~200 problems over June–August 2020 in
every state (some overdue and raised, some returned, some recurring); the August 通报; two exposure entries.
Deterministic from `rng`."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicloop.campaigns import bulk, figures, services
from civicloop.campaigns.models import (
    Campaign,
    Exposure,
    ExposureEvent,
    Liaison,
    Problem,
    ProblemPhoto,
    Task,
    TaskEvent,
    Visit,
)
from civicloop.campaigns.workflow import TASK
from civicloop.network.models import Membership, Unit

ACTIONS = (
    ("基础设施提升行动", "区住房和城乡建设局", [
        ("背街小巷路面硬化和路灯修复", ["路面无坑洼破损", "路灯亮灯率达到98%以上"]),
        ("公厕提标改造", ["公厕无异味、设施完好", "有专人保洁、有公示牌"]),
    ]),
    ("城市管理水平提升行动", "区城市管理综合执法局", [
        ("数字化城管案件按期办结", ["案件按期结案率不低于95%", "返工率低于5%"]),
    ]),
    ("“九乱”治理行动", "区城市管理综合执法局", [
        ("乱停乱放、乱摆摊点集中整治", ["主次干道无占道经营", "非机动车规范停放"]),
        ("乱贴乱画清理", ["墙面、电杆无小广告"]),
    ]),
    ("“两下两进两拆”专项整治行动", "区住房和城乡建设局", [
        ("违法建设拆除", ["存量违建按台账拆除", "无新增违建"]),
    ]),
    ("爱国卫生运动", "区卫生健康委员会", [
        ("农贸市场环境卫生整治", ["市场内无积存垃圾", "病媒生物防制达标"]),
    ]),
    ("垃圾“清零”行动", "区城市管理综合执法局", [
        ("城乡结合部积存垃圾清零", ["无暴露垃圾、无卫生死角", "垃圾日产日清"]),
    ]),
    ("河道疏浚行动", "区水务局", [
        ("昆都仑河沿线清淤保洁", ["河面无漂浮物", "沿岸无垃圾堆放"]),
    ]),
    ("街貌整饰行动", "区城市管理综合执法局", [
        ("门头牌匾和沿街立面整饰", ["牌匾规范完好", "立面整洁无破损"]),
        ("公益广告全覆盖", ["主要街道、小区公益广告不少于规定数量"]),
    ]),
)
DEPARTMENTS = ("区住房和城乡建设局", "区城市管理综合执法局", "区水务局")
STORY_START = dt.datetime(2020, 6, 1, 8, 0)
STORY_DAYS = 92
STORY_NOW = dt.datetime(2020, 8, 31, 18, 0)


def _jpeg(rng: random.Random) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 240), (rng.randrange(120, 200), rng.randrange(120, 200), rng.randrange(120, 200)))
    d = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randrange(300), rng.randrange(220)
        d.rectangle([x, y, x + rng.randrange(20, 80), y + rng.randrange(10, 40)], fill=(rng.randrange(256), 80, 60))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return SimpleUploadedFile("demo.jpg", buf.getvalue(), content_type="image/jpeg")


def _staff(unit: Unit) -> Any:
    m = Membership.objects.filter(unit=unit, role=Membership.Role.STAFF).select_related("user").first()
    return m.user if m else None


def _department(root: Unit, name: str) -> Unit:
    from civicloop.network.services import unit_create

    found = Unit.objects.filter(path__startswith=root.path, name=name).first()
    return found or unit_create(parent=root, name=name, kind=Unit.Kind.DEPARTMENT)


def seed(*, rng: random.Random, today: dt.date, scale: int = 0) -> None:
    from civicloop.people import services as people

    root = Unit.objects.filter(depth=1).order_by("path").first()
    if root is None or Campaign.objects.filter(command_unit=root, year=2020).exists():
        return
    office = _staff(root)
    tz = timezone.get_current_timezone()
    start, story_now = STORY_START.replace(tzinfo=tz), STORY_NOW.replace(tzinfo=tz)
    campaign = services.campaign_create(
        actor=None, year=2020, name="昆都仑区2020年创建全国文明城市", command_unit=root,
        goal="聚焦重点任务攻坚，围绕落实创城“八大行动”，严把标准关、时限关，减存量、遏增量，消盲区、清死角。",
        actions=[a for a, _d, _t in ACTIONS],
    )
    institutes = list(Unit.objects.filter(depth=2, kind=Unit.Kind.PRACTICE, path__startswith=root.path).order_by("path"))
    stations = list(Unit.objects.filter(level__in=["station", "point"], path__startswith=root.path).order_by("path"))
    for name in DEPARTMENTS:
        _department(root, name)
    # tasks: due at the end of each month of the story; the earlier ones accepted, some still open (overdue)
    deadlines = [dt.datetime(2020, 6, 30, 18, 0, tzinfo=tz), dt.datetime(2020, 7, 31, 18, 0, tzinfo=tz),
                 dt.datetime(2020, 8, 31, 18, 0, tzinfo=tz), dt.datetime(2020, 10, 31, 18, 0, tzinfo=tz)]
    for action, (_name, dept_name, tasks) in zip(campaign.actions.all(), ACTIONS, strict=True):
        dept = _department(root, dept_name)
        for title, items in tasks:
            due = deadlines[rng.randrange(len(deadlines))]
            units = rng.sample(institutes, k=len(institutes)) if rng.random() < 0.6 else rng.sample(stations, k=3)
            task = services.task_create(actor=office, action=action, title=title, due_at=due, lead_department=dept,
                                        units=units, items=items)
            reporter = _staff(units[0]) or office
            TASK.apply("report", task, actor=reporter, skip_actor_check=True,
                       cleaned={"progress": rng.choice([30, 50, 60]), "note": "已完成台账梳理和首轮集中整治"})
            if due < story_now and rng.random() < 0.7:
                TASK.apply("submit", task, actor=reporter, skip_actor_check=True, cleaned={"note": "已按标准完成"})
                TASK.apply("accept", task, actor=office, skip_actor_check=True, cleaned={})
            # the story's times: the report a fortnight before the deadline, completion just before it
            for event, days in zip(TaskEvent.objects.filter(subject=task).order_by("pk"), (14, 2, 1), strict=False):
                TaskEvent.objects.filter(pk=event.pk).update(created_at=due - dt.timedelta(days=days))
            task.reports.update(created_at=due - dt.timedelta(days=14))
            Task.objects.filter(pk=task.pk, status="done").update(done_at=due - dt.timedelta(days=1))
    # two leaders in charge (包联): the office director and a deputy, one town/street each
    deputy = people.user_create(username="baolian", password="Kundulun-2019", full_name="钱振华")
    Membership.objects.create(user=deputy, unit=root, role=Membership.Role.STAFF, title="文明办副主任")
    leaders = [office, deputy]
    for leader, area in zip(leaders, institutes, strict=False):
        liaison = Liaison.objects.create(campaign=campaign, leader=leader, unit=area, unit_path=area.path)
        area_units = [u for u in stations if u.path.startswith(area.path)] or [area]
        for i in range(10):
            unit = area_units[rng.randrange(len(area_units))]
            Visit.objects.create(
                liaison=liaison, unit=unit, unit_path=unit.path,
                visited_on=(start + dt.timedelta(days=4 + 9 * i + rng.randrange(3))).date(),
                place=unit.address or unit.name, findings=rng.choice([
                    "背街小巷有暴露垃圾，已当场交办", "公益广告破损两处", "农贸市场周边占道经营反弹",
                    "整改到位，群众满意", "楼道堆物未清理，要求三日内整改",
                ]),
            )
    inspector = _staff(institutes[0]) or office
    station_staff = _staff(stations[0]) if stations else None
    ids = bulk.make_problems(
        campaign=campaign, units=stations, inspector=inspector, rectifier=station_staff, n=200, start=start,
        days=STORY_DAYS, now=story_now, rng=rng, batch=25,
    )
    # photos for the first problems (private storage), with the after-photo where rectified
    for problem in Problem.objects.filter(pk__in=ids[:40]):
        ProblemPhoto.objects.create(problem=problem, kind="before", image=_save(rng, problem, "before"))
        if problem.rectified_at or problem.status == "closed":
            ProblemPhoto.objects.create(problem=problem, kind="after", image=_save(rng, problem, "after"))
    figures.rebuild(campaign)
    # the August 通报, frozen as issued on 1 September 2020
    bulletin = services.bulletin_issue(actor=office, campaign=campaign, unit=root, month=dt.date(2020, 8, 1))
    type(bulletin).objects.filter(pk=bulletin.pk).update(created_at=story_now + dt.timedelta(hours=15))
    # two exposure entries, approved by the second office member
    closed = Problem.objects.filter(pk__in=ids[:40], status="closed", photos__kind="before").first()
    overdue = Problem.objects.filter(pk__in=ids, status="assigned", escalation_level__gte=1).first()
    for problem, kind, title, text in (
        (closed, Exposure.Kind.BEHAVIOUR, "占道经营、乱堆乱放屡教不改",
         "巡查发现沿街商户长期占道经营、杂物堆放，经多次劝导仍未改正，予以曝光。"),
        (overdue, Exposure.Kind.DUTY, "交办问题逾期未整改",
         "交办的环境卫生问题超过整改时限仍未整改到位，责任单位履职不力，予以曝光。"),
    ):
        if problem is None:
            continue
        exposure = services.exposure_propose(actor=office, campaign=campaign, kind=kind, title=title, text=text,
                                             photo_mode="blurred" if problem.photos.exists() else "none",
                                             problem_id=problem.pk)
        from civicloop.campaigns.workflow import EXPOSURE

        EXPOSURE.apply("approve", exposure, actor=deputy, data={"note": "核实无误"})
    ExposureEvent.objects.filter(subject__campaign=campaign).update(created_at=story_now)
    Exposure.objects.filter(campaign=campaign).update(published_at=story_now)


def _save(rng: random.Random, problem: Problem, kind: str) -> str:
    upload = _jpeg(rng)
    return ProblemPhoto._meta.get_field("image").storage.save(f"campaigns/problems/demo/{problem.pk}-{kind}.jpg", upload)
