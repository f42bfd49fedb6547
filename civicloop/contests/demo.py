"""Demo story for calls for entries (names invented):

- the seed's essay call “'片仔癀杯'全国精神文明建设经验交流·征文竞赛”, open 2018-11-27 to 2021-11-26 with the
  printed rules, now under review: a dozen entries across the states (a draft, submitted, withdrawn, eligible,
  not eligible, first round, second round — scored blind by three judges), two of them filed from e-mail;
- the 全国精神文明建设新闻图片摄影赛, results published: the printed entry (刘浩军 摄) and a few more, with
  awards and certificates;
- a 评身边好事 round at 万和阳光社区 in its voting period: nominations (one refused), 点赞 from residents and one
  suspicious burst from a single address for the station to look at.

The services check times against the clock, so the past is replayed with the clock set back (`_at`).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from civicloop.contests import services
from civicloop.contests.models import Call
from civicloop.contests.workflow import CALL, ENTRY
from civicloop.core.exceptions import Conflict
from civicloop.network.models import Membership, Unit

DEMO_PASSWORD = "Kundulun-2019"  # the demo logins' password (civicloop/demo/kundulun.py)
TZ = dt.timezone(dt.timedelta(hours=8))

ESSAY_TITLE = "“片仔癀杯”全国精神文明建设经验交流·征文竞赛"
ESSAY_MARKER = "全国精神文明建设经验交流·征文竞赛"
ESSAY_THEME = (
    "为了及时宣传、报道和反映全国各地在文明城市、文明单位、文明社区、文明校园、文明村镇等创建工作中的最新动态、"
    "好的做法、成功经验以及在创建活动中涌现出的感人故事、先进典型等，为各级文明委指导创建工作提供交流平台，"
    "引导各地互相学习借鉴、共同提高创建水平。"
)
ESSAY_RULES = (
    "一、“征文”时间从2018年11月27日起，至2021年11月26日止。\n"
    "二、“征文”体裁不限。\n"
    "三、“征文”不受地区、行业、部队、学校、机关等限制，1800字以内为宜。\n"
    "四、来稿请注明“全国精神文明建设经验交流·征文竞赛”字样，写明作者姓名、地址、邮编、电话，"
    "发精神文明报社电子邮箱 jswmb2016@163.com 或邮箱 yangchu1@126.com 杨初收。\n"
    "欢迎全国各地广大读者踊跃投稿。"
)
CATEGORIES = ["文明城市", "文明单位", "文明社区", "文明校园", "文明村镇"]
RUBRIC = [
    {"code": "content", "label": "思想内容", "weight": 40},
    {"code": "practice", "label": "经验价值", "weight": 30},
    {"code": "writing", "label": "文字表达", "weight": 30},
]
PRINTED_CAPTION = (
    "谷雨过后，天气转好，气温逐渐回升，江西省吉安市永丰县的农民抓住有利时机开展农业生产，田间地头一派忙碌的"
    "春耕春管景象。图为 4 月 21 日，在永丰县恩江灌区，七都乡的农民在农田里管理农作物。 刘浩军 摄"
)

ESSAYS = [
    ("一条背街小巷的“文明蝶变”", "文明城市", "郑州市金水区", "450008"),
    ("窗口单位里的“微笑服务”", "文明单位", "漳州市芗城区", "363000"),
    ("楼道长制让老旧小区焕新颜", "文明社区", "成都市武侯区", "610041"),
    ("校园里的“光盘行动”", "文明校园", "西宁市城中区", "810000"),
    ("村规民约里的新风尚", "文明村镇", "吉安市永丰县", "331500"),
    ("志愿服务积分超市开张了", "文明社区", "西安市雁塔区", "710061"),
    ("文明交通从斑马线做起", "文明城市", "福州市鼓楼区", "350001"),
    ("“最美家庭”评出好家风", "文明村镇", "赣州市于都县", "342300"),
    ("一所乡村小学的阅读角", "文明校园", "天水市麦积区", "741020"),
    ("物业、业委会、社区三方议事", "文明社区", "南宁市青秀区", "530022"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程"
GIVEN = ["晓燕", "建华", "文博", "思远", "春梅", "海涛", "雅琴", "立新", "志强", "秀芳", "明辉", "丽君"]
ORGS = ["昆都仑区文明办", "漳州市文明办", "武侯区某街道", "城中区教育局", "永丰县文明办"]

PHOTOS = [
    ("春耕春管", PRINTED_CAPTION, (96, 140, 60)),
    ("社区里的“百家宴”",
     "重阳节前夕，社区志愿者为辖区老人备下一桌“百家宴”，邻里围坐话家常。图为 10 月 12 日，在包头市昆都仑区"
     "万和阳光社区，志愿者为老人端上饺子。 王海涛 摄", (200, 120, 40)),
    ("文明交通劝导",
     "早高峰时段，交通志愿者在路口劝导行人和非机动车遵守信号灯，文明出行蔚然成风。图为 5 月 8 日，在西宁市"
     "城中区一处十字路口，志愿者在引导行人过马路。 陈立新 摄", (60, 90, 180)),
    ("乡村书屋",
     "农闲时节，村里的农家书屋成了村民们最爱去的地方，大家在这里读书看报学技术。图为 3 月 2 日，在天水市"
     "麦积区一个村的农家书屋，村民在阅读农业科技书籍。 李雅琴 摄", (150, 60, 120)),
    ("光盘行动",
     "学校食堂开展“光盘行动”，学生们自觉做到吃多少打多少，节约粮食成为习惯。图为 6 月 1 日，在福州市鼓楼区"
     "一所小学食堂，学生们展示吃得干干净净的餐盘。 周文博 摄", (220, 200, 80)),
]

GOOD_DEEDS = [
    ("十年义务为楼里老人理发", "王桂芝", "退休理发师王阿姨每月第一个周六在楼下支起理发椅，十年来为楼里和附近的"
     "老人义务理发上千人次，还常常上门为卧床老人服务。"),
    ("雪夜救助迷路老人", "刘振东", "大雪夜里，快递小哥刘师傅在路边发现一位迷路的老人，一边联系社区一边陪老人"
     "等了一个多小时，直到家人赶来，自己却耽误了不少派件。"),
    ("楼道长的“爱心菜篮子”", "赵秀兰", "疫情期间，楼道长赵阿姨每天为独居老人代买蔬菜药品，自己垫钱也不计较，"
     "被邻居们称为“爱心菜篮子”。"),
    ("带着孩子们读书的“书香妈妈”", "孙丽君", "全职妈妈孙女士在社区活动室办起周末读书会，两年来带着三十多个"
     "孩子读完了上百本书，还请来志愿者给孩子们讲故事。"),
    ("捡到钱包原物奉还", "何建军", "环卫工人何师傅清扫时捡到一个装有现金和证件的钱包，在原地等了两个小时把"
     "钱包还给失主，婉拒了失主的酬谢。"),
]


@contextmanager
def _at(when: dt.datetime) -> Iterator[None]:
    """Replay the past: the services and auto timestamps read this clock."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def _run(workflow: Any, step: str, obj: Any, **kwargs: Any) -> Any:
    """A step inside seed_demo's transaction (`Workflow.run` opens a durable one, which cannot nest)."""
    with transaction.atomic():
        return workflow.apply(step, obj, **kwargs)


def _staff_of(unit: Unit) -> Any:
    m = Membership.objects.filter(unit=unit, role=Membership.Role.STAFF).select_related("user").order_by("pk").first()
    return m.user if m else None


def _user(username: str, name: str) -> Any:
    from civicloop.people.models import User
    from civicloop.people.services import user_create

    existing = User.objects.filter(username=username).first()
    return existing or user_create(username=username, password=DEMO_PASSWORD, full_name=name)


def _image(color: tuple[int, int, int], rng: random.Random, taken: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (960, 640), color)
    draw = ImageDraw.Draw(img)
    for _i in range(14):
        x, y = rng.randrange(0, 900), rng.randrange(0, 600)
        shade = tuple(max(0, min(255, c + rng.randrange(-70, 70))) for c in color)
        draw.ellipse([x, y, x + rng.randrange(40, 200), y + rng.randrange(40, 160)], fill=shade)
    exif = Image.Exif()
    exif[271], exif[272] = "Nikon", "Nikon D750"
    exif.get_ifd(0x8769)[36867] = taken
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, exif=exif)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def _body(rng: random.Random, title: str, length: int) -> str:
    sentences = [
        f"{title}，是我们在创建工作中摸索出来的一条路子。",
        "从群众最关心的小事入手，把问题清单变成服务清单。",
        "党员干部带头，志愿者跟进，居民群众广泛参与，形成了共建共治共享的良好局面。",
        "我们建立了定期议事制度，每月召开一次居民议事会，大事小情大家商量着办。",
        "通过评选身边好人、最美家庭，好人好事有人讲、有人学、有人做。",
        "实践证明，文明创建只有起点没有终点，必须久久为功、常抓不懈。",
    ]
    text = ""
    while len(text) < length:
        text += rng.choice(sentences)
        if rng.random() < 0.2:
            text += "\n"
    return text[:length]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return "139" + "".join(str(rng.randrange(10)) for _i in range(8))


def seed(*, rng: random.Random, today: dt.date, scale: int = 0) -> None:
    root = Unit.objects.filter(depth=1).order_by("path").first()
    if root is None or Call.objects.exists():
        return
    office = _staff_of(root)
    _essay_call(rng, root, office)
    _photo_call(rng, root, office)
    station = Unit.objects.filter(name__startswith="万和阳光社区", level=Unit.Level.STATION).first()
    if station is not None:
        _good_deeds(rng, dt.datetime.combine(today, dt.time(12, 0), TZ), station)


def _essay_call(rng: random.Random, root: Unit, office: Any) -> None:
    opens = dt.datetime(2018, 11, 27, 0, 0, tzinfo=TZ)
    closes = dt.datetime(2021, 11, 26, 23, 59, 59, tzinfo=TZ)
    with _at(dt.datetime(2018, 11, 20, 9, 0, tzinfo=TZ)):
        call = services.call_create(
            organiser=root, actor=office, title=ESSAY_TITLE, kind=Call.Kind.ESSAY,
            sponsor="精神文明报社、福建省漳州片仔癀药业股份有限公司", theme=ESSAY_THEME,
            eligibility="不受地区、行业、部队、学校、机关等限制。", rules=ESSAY_RULES,
            contact="电话：028—80640480；邮箱 jswmb2016@163.com、yangchu1@126.com（杨初收）",
            marker=ESSAY_MARKER, required_fields=["name", "address", "postcode", "phone"], categories=CATEGORIES,
            guideline_chars=1800, limit_chars=3000, rubric=RUBRIC,
            award_plan={"first": 1, "second": 2, "third": 3, "merit": 5}, publicity_days=7,
            opens_at=opens, closes_at=closes,
        )
        _run(CALL, "publish", call, actor=office)
    authors = [_user(f"author{i:02d}", _name(rng)) for i in range(len(ESSAYS))]
    entries = []
    span = (closes - opens).days
    for i, (title, category, place, postcode) in enumerate(ESSAYS):
        when = opens + dt.timedelta(days=rng.randrange(5, span - 5), hours=rng.randrange(8, 20))
        with _at(when):
            entry = services.entry_save(
                call=call, actor=authors[i],
                data={"title": title, "category": category, "body": _body(rng, title, rng.choice([900, 1500, 1750, 2100])),
                      "author_name": authors[i].full_name, "author_address": f"{place}文明路{rng.randrange(1, 200)}号",
                      "author_postcode": postcode, "author_phone": _phone(rng), "organisation": rng.choice(ORGS)},
            )
            if i < 9:  # the last one stays a draft
                _run(ENTRY, "submit", entry, actor=authors[i])
        entries.append(entry)
    # two entries by e-mail, filed by the import
    from email.message import EmailMessage

    from civicloop.contests.mailimport import import_message

    for k, (title, place) in enumerate((("边疆小城的文明实践站", "甘肃省张掖市"), ("社区食堂里的温暖", "福建省漳州市"))):
        m = EmailMessage()
        m["From"] = f"reader{k}@example.com"
        m["Subject"] = f"“{ESSAY_MARKER}”投稿：{title}"
        m["Message-ID"] = f"<demo-essay-{k}@example.com>"
        name = _name(rng)
        m.set_content(f"作者：{name}\n地址：{place}新华路{k + 8}号\n邮编：{'734000' if k == 0 else '363000'}\n"
                      f"电话：{_phone(rng)}\n\n{_body(rng, title, 1200)}")
        with _at(dt.datetime(2020, 6 + k, 10, 10, 0, tzinfo=TZ)):
            import_message(m.as_bytes(), calls=[call])
    # one author withdraws before the close
    submitted = list(call.entries.filter(status="submitted").order_by("pk"))
    with _at(submitted[0].submitted_at + dt.timedelta(days=3)):
        _run(ENTRY, "withdraw", submitted[0], actor=submitted[0].author)
    with _at(dt.datetime(2021, 11, 27, 9, 0, tzinfo=TZ)):
        _run(CALL, "close", call, actor=office)
    with _at(dt.datetime(2021, 12, 1, 9, 0, tzinfo=TZ)):
        _run(CALL, "start_review", call, actor=office)
        _run(ENTRY, "refuse", submitted[1], actor=office, data={"note": "来稿未写明作者电话，联系不上作者。"})
        for e in submitted[2:-1]:  # the last one still waits for the eligibility check
            _run(ENTRY, "admit", e, actor=office)
    judges = [_user(f"judge{i}", f"评委{n}") for i, n in enumerate(("甲", "乙", "丙"), start=1)]
    with _at(dt.datetime(2021, 12, 5, 9, 0, tzinfo=TZ)):
        for j in judges:
            judge = services.judge_assign(call=call, stage="first", user=j, actor=office)
            services.judge_declare(judge=judge, actor=j, conflicts="")
        judge = services.judge_assign(call=call, stage="second", user=judges[0], actor=office)
        services.judge_declare(judge=judge, actor=judges[0], conflicts="")
        keep = call.entries.filter(status="eligible").order_by("pk").last()
        chosen = list(call.entries.filter(status="eligible").exclude(pk=keep.pk))
        for e in chosen:
            _run(ENTRY, "first_round", e, actor=office)
        for e in chosen:
            for j in judges:
                services.score_submit(entry=e, actor=j, values={c["code"]: rng.randrange(60, 96) for c in RUBRIC})
        services.round_advance(call=call, actor=office, stage="second", top=3)


def _photo_call(rng: random.Random, root: Unit, office: Any) -> None:
    opens = dt.datetime(2020, 3, 1, 0, 0, tzinfo=TZ)
    closes = dt.datetime(2020, 6, 30, 23, 59, tzinfo=TZ)
    with _at(dt.datetime(2020, 2, 25, 9, 0, tzinfo=TZ)):
        call = services.call_create(
            organiser=root, actor=office, title="全国精神文明建设新闻图片摄影赛", kind=Call.Kind.PHOTO,
            sponsor="精神文明报社", theme="用镜头记录精神文明建设的新闻瞬间。",
            eligibility="专业和业余摄影者均可参加。",
            rules="图片须为新闻纪实作品，不得摆拍、合成；图片说明须写明时间、地点、事件，并署“某某 摄”。",
            marker="全国精神文明建设新闻图片摄影赛", required_fields=["name", "phone"], rubric=[
                {"code": "news", "label": "新闻价值", "weight": 50},
                {"code": "image", "label": "画面表现", "weight": 30},
                {"code": "caption", "label": "图片说明", "weight": 20},
            ], award_plan={"first": 1, "second": 1, "third": 1, "merit": 1}, publicity_days=7,
            opens_at=opens, closes_at=closes,
        )
        _run(CALL, "publish", call, actor=office)
    entries = []
    for i, (title, caption, color) in enumerate(PHOTOS):
        credit = caption.rsplit(" ", 2)[-2]
        author = _user(f"photographer{i}", credit)
        with _at(dt.datetime(2020, 4, 22 + i, 10, 0, tzinfo=TZ)):
            entry = services.entry_save(
                call=call, actor=author, data={"title": title, "caption": caption, "author_name": credit,
                                               "author_phone": _phone(rng)},
                photo=_image(color, rng, f"2020:04:{21 + i:02d} 09:30:00"),
            )
            _run(ENTRY, "submit", entry, actor=author)
        entries.append(entry)
    judges = [_user(f"photojudge{i}", f"摄影评委{i}") for i in (1, 2, 3)]
    with _at(dt.datetime(2020, 7, 2, 9, 0, tzinfo=TZ)):
        _run(CALL, "close", call, actor=office)
        _run(CALL, "start_review", call, actor=office)
        for e in entries:
            _run(ENTRY, "admit", e, actor=office)
        for j in judges:
            judge = services.judge_assign(call=call, stage="first", user=j, actor=office)
            services.judge_declare(judge=judge, actor=j, conflicts="")
        services.round_advance(call=call, actor=office, stage="first")
        for e in entries:
            e.refresh_from_db()
        for rank, e in enumerate(entries):
            for j in judges:
                base = 95 - rank * 5
                services.score_submit(entry=e, actor=j, values={"news": base - rng.randrange(3), "image": base,
                                                                "caption": base - rng.randrange(4)})
        _run(CALL, "announce", call, actor=office)
        services.unit_award_grant(call=call, actor=office, organisation="吉安市永丰县文明办", reason="组织报送作品多、质量高")
    with _at(dt.datetime(2020, 7, 10, 9, 0, tzinfo=TZ)):
        _run(CALL, "publish_results", call, actor=office)


def _good_deeds(rng: random.Random, now: dt.datetime, station: Unit) -> None:
    from civicloop.people.models import Resident

    staff = _staff_of(station)
    if staff is None:
        return
    opens = now - dt.timedelta(days=20)
    closes = now - dt.timedelta(days=6)
    with _at(opens - dt.timedelta(days=1)):
        call = services.call_create(
            organiser=station, actor=staff, title="万和阳光社区“评身边好事 暖人心”好人好事评选", kind=Call.Kind.NOMINATION,
            theme="讲思想政策强信心、评身边好事暖人心：推荐您身边的好人好事，大家来点赞。",
            eligibility="本社区居民和在社区工作、服务的人员；推荐须征得被推荐人同意。",
            rules="推荐 → 实践站审核 → 居民点赞评议 → 发布“万和好人榜”。每人每天可为每位候选人点赞一次，"
                  "本次评选每人每天最多点赞 3 次。",
            award_plan={"merit": 3}, publicity_days=5, votes_per_day=3, ip_votes_per_hour=30,
            opens_at=opens, closes_at=closes,
        )
        _run(CALL, "publish", call, actor=staff)
    residents = [r.user for r in Resident.objects.filter(unit_path__startswith=station.path, user__isnull=False)
                 .select_related("user").order_by("pk")[:40]]
    if len(residents) < 5:
        residents += [_user(f"neighbour{i}", _name(rng)) for i in range(10)]
    points = list(Unit.objects.filter(path__startswith=station.path, is_active=True).order_by("path"))
    entries = []
    for i, (title, nominee, story) in enumerate(GOOD_DEEDS):
        by = residents[i % len(residents)]
        with _at(opens + dt.timedelta(days=i + 1, hours=3)):
            e = services.entry_save(
                call=call, actor=by, unit=points[i % len(points)],
                data={"title": title, "body": story, "nominee_name": nominee, "nominee_phone": _phone(rng),
                      "nominee_consent": "on" if i != 4 else ""},
            )
            if i != 4:
                _run(ENTRY, "submit", e, actor=by)
        entries.append(e)
    with _at(closes + dt.timedelta(hours=2)):
        _run(CALL, "close", call, actor=staff)
        _run(CALL, "start_review", call, actor=staff)
        for e in entries[:3]:
            _run(ENTRY, "admit", e, actor=staff)
        _run(ENTRY, "refuse", entries[3], actor=staff, data={"note": "经核实，事迹发生在外区，建议向所在社区推荐。"})
        _run(CALL, "open_voting", call, actor=staff)
    voters = residents + [_user(f"neighbour{i}", _name(rng)) for i in range(10, 30)]
    for day in range(4):
        with _at(closes + dt.timedelta(days=day + 1, hours=9)):
            for k, voter in enumerate(voters):
                for e in entries[:3]:
                    if rng.random() < (0.6, 0.45, 0.3)[entries.index(e)]:
                        try:
                            services.vote_cast(entry=e, voter=voter, ip=f"10.8.{k % 200}.{day + 1}", device=f"d{k}")
                        except (Conflict, ValidationError):  # the cap or the rate limit: part of the story
                            continue
    # a burst: twenty new accounts liking one candidate within a minute from one address
    with _at(closes + dt.timedelta(days=4, hours=23, minutes=50)):
        for i in range(20):
            services.vote_cast(entry=entries[2], voter=_user(f"burst{i:02d}", _name(rng)), ip="10.99.0.7",
                               device="burst-device")
