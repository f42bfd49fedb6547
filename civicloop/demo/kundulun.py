"""The Kundulun (昆都仑区) demo: the network the seed article describes, its people, and synthetic bulk data.

`seed_base` builds the district as the article tells it — one centre, the 昆河镇 and 沼潭街道 institutes,
six stations (万和阳光社区 among them), two points, the departments a whistle mobilises, the venues the centre
is merged with and a few social organisations — then volunteers of every type in teams, and residents in every
focus group. Every person is written through the people services, so encryption and lookup hashes are right.
All names, phone numbers and ID numbers are invented.

`seed_scale` adds a large synthetic network (stations under ~25-station institutes, volunteers, teams,
residents) for benchmarks, with bulk inserts and precomputed materialised paths.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from civicloop.core.choices import DAY_PARTS, WEEKDAYS, FocusGroup, Platform, VolunteerType
from civicloop.core.crypto import lookup_hash
from civicloop.core.text import pinyin_initials
from civicloop.core.validators import id_check_digit
from civicloop.network.models import Membership, Unit
from civicloop.network.services import membership_grant, unit_create
from civicloop.people import services as people
from civicloop.people.mfa import mfa_enrol_fixed
from civicloop.people.models import Resident, Team, TeamMember, User, Volunteer

PASSWORD = "Kundulun-2019"
# Demo staff, liaison and auditor logins share this authenticator key (RFC 6238's test key), printed by
# `make demo`; `manage.py otp_code office` prints the current code. Never a real account's key.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_SECRET = "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
DIVISION = "150203"  # 内蒙古自治区包头市昆都仑区
CENTRE = "昆都仑区新时代文明实践中心"
KUNHE = "昆河镇新时代文明实践所"
ZHAOTAN = "沼潭街道新时代文明实践所"
WANHE = "万和阳光社区新时代文明实践站"
HEXI = "河西村新时代文明实践站"
HEALTH_DEPT = "区卫生健康委员会"

# --- the network ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    key: str
    parent: str | None
    name: str
    kind: str = Unit.Kind.PRACTICE
    division_code: str = ""
    industry: str = ""
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    contact_name: str = ""
    description: str = ""


UNITS: tuple[UnitSpec, ...] = (
    UnitSpec(
        "centre",
        None,
        CENTRE,
        division_code=DIVISION,
        address="包头市昆都仑区钢铁大街文明实践中心（区级，1000余平方米）",
        lat=40.6415,
        lng=109.8363,
        contact_name="王文明",
        description="区级新时代文明实践中心，统筹全区文明实践所、站、点和志愿服务队伍。"
        "“中心吹哨、部门动员、各方参与”。",
    ),
    UnitSpec(
        "kunhe",
        "centre",
        KUNHE,
        division_code="150203100",
        address="昆河镇党群服务中心二楼",
        lat=40.6102,
        lng=109.7941,
        contact_name="赵建国",
        description="2019年新时代文明实践所建设试点；与镇党群服务中心、综合文化站整合。",
    ),
    UnitSpec(
        "zhaotan",
        "centre",
        ZHAOTAN,
        division_code="150203006",
        address="沼潭街道党群服务中心一楼",
        lat=40.6553,
        lng=109.8452,
        contact_name="钱慧敏",
        description="与街道党群服务中心、综合文化站整合。",
    ),
    UnitSpec(
        "wanhe",
        "kunhe",
        WANHE,
        division_code="150203100001",
        address="万和阳光社区党群服务中心",
        lat=40.6301,
        lng=109.8112,
        contact_name="李春梅",
        description="设“学习强国”学习园地和留言区；与社区党群服务中心、综合服务中心整合。",
    ),
    UnitSpec(
        "hexi",
        "kunhe",
        HEXI,
        division_code="150203100201",
        address="河西村村委会",
        lat=40.5987,
        lng=109.7803,
        contact_name="孙德胜",
    ),
    UnitSpec(
        "liubao",
        "kunhe",
        "刘宝窑子村新时代文明实践站",
        division_code="150203100202",
        address="刘宝窑子村村委会",
        lat=40.6215,
        lng=109.7652,
        contact_name="高振华",
    ),
    UnitSpec(
        "youyi",
        "zhaotan",
        "友谊社区新时代文明实践站",
        division_code="150203006001",
        address="友谊社区综合服务中心",
        lat=40.6532,
        lng=109.8401,
        contact_name="马丽华",
    ),
    UnitSpec(
        "luyuan",
        "zhaotan",
        "鹿苑社区新时代文明实践站",
        division_code="150203006002",
        address="鹿苑社区党群服务中心",
        lat=40.6589,
        lng=109.8517,
        contact_name="郭海燕",
    ),
    UnitSpec(
        "kunbei",
        "zhaotan",
        "昆北社区新时代文明实践站",
        division_code="150203006003",
        address="昆北社区综合服务中心",
        lat=40.6624,
        lng=109.8376,
        contact_name="韩志强",
    ),
    UnitSpec(
        "wanhe_point",
        "wanhe",
        "万和阳光社区一号楼实践点",
        address="万和阳光社区1栋架空层",
        lat=40.6312,
        lng=109.8124,
    ),
    UnitSpec(
        "youyi_point",
        "youyi",
        "友谊社区老年活动室实践点",
        address="友谊社区老年活动室",
        lat=40.6527,
        lng=109.8389,
    ),
    # Departments the centre's whistle mobilises.
    UnitSpec("health", "centre", HEALTH_DEPT, kind=Unit.Kind.DEPARTMENT, industry="卫生健康"),
    UnitSpec("edu", "centre", "区教育局", kind=Unit.Kind.DEPARTMENT, industry="教育"),
    UnitSpec("sci", "centre", "区科学技术协会", kind=Unit.Kind.DEPARTMENT, industry="科技"),
    UnitSpec("culture", "centre", "区文化旅游体育局", kind=Unit.Kind.DEPARTMENT, industry="文化旅游体育"),
    # Venues the centre is merged with (阵地叠加整合).
    UnitSpec("media", "centre", "区融媒体中心", kind=Unit.Kind.VENUE, industry="媒体"),
    UnitSpec("partyhall", "centre", "区党群服务中心", kind=Unit.Kind.VENUE),
    UnitSpec("govhall", "centre", "区政务服务中心", kind=Unit.Kind.VENUE),
    UnitSpec("kunhe_culture", "kunhe", "昆河镇综合文化站", kind=Unit.Kind.VENUE, industry="文化"),
    # Social organisations (社会公益组织).
    UnitSpec("yijia", "centre", "昆区益家社会工作服务中心", kind=Unit.Kind.SOCIAL_ORG),
    UnitSpec("zhulao", "centre", "昆区阳光助老志愿者协会", kind=Unit.Kind.SOCIAL_ORG),
    UnitSpec("qinghe", "centre", "昆区青禾青少年成长服务社", kind=Unit.Kind.SOCIAL_ORG),
)
STATIONS = ("wanhe", "hexi", "liubao", "youyi", "luyuan", "kunbei")

# --- the demo logins: one per role --------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    username: str
    role: str  # shown in the printed table
    full_name: str
    try_first: str


LOGINS: tuple[Login, ...] = (
    Login("office", "文明办（区中心管理员）", "王文明", "浏览全区实践阵地树、各所站的点单与统计"),
    Login("institute", "实践所工作人员（昆河镇）", "赵建国", "查看本镇各站的点单，处理上报的吹哨"),
    Login("station", "实践站工作人员（万和阳光社区）", "李春梅", "梳理群众点单、派单给志愿队、验单"),
    Login("sibling", "兄弟站工作人员（河西村）", "孙德胜", "看不到万和阳光社区的数据（范围隔离）"),
    Login("leader", "志愿队队长（万和阳光党员服务队）", "陈志刚", "在接单大厅领单、安排队员、提交服务报告"),
    Login("volunteer", "志愿者", "刘晓明", "查看我的任务、签到、服务时长"),
    Login("resident", "群众（万和阳光社区）", "张桂兰", "点单（在手机上），给完成的服务评单"),
    Login("liaison", "部门联络员（区卫生健康委员会）", "周丽萍", "查看中心吹哨派给本部门的事项"),
    Login("auditor", "审计员", "吴秀云", "查看审计日志（只读）"),
)

# --- invented names, phones and ID numbers ------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺"
)
GIVEN = [
    "秀英",
    "桂兰",
    "玉兰",
    "淑珍",
    "丽华",
    "建国",
    "建军",
    "志强",
    "国庆",
    "海燕",
    "红梅",
    "晓明",
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "军",
    "杰",
    "涛",
    "超",
    "明",
    "霞",
    "平",
    "刚",
    "桂英",
    "文博",
    "子涵",
    "梓轩",
    "欣怡",
    "浩然",
    "雨桐",
    "思远",
    "俊杰",
    "佳琪",
    "宇航",
    "晨曦",
    "鑫",
    "宏伟",
    "春梅",
    "金凤",
    "玉珍",
    "德胜",
    "福海",
    "振华",
    "永明",
    "凤英",
    "慧敏",
    "丽萍",
    "志刚",
    "秀云",
    "少华",
    "云霞",
    "晓燕",
    "国强",
    "建华",
    "学军",
    "海军",
    "爱华",
    "翠兰",
    "丽娟",
    "文静",
    "瑞雪",
    "一鸣",
    "嘉怡",
    "子墨",
]
MONGOLIAN = ("巴特尔", "其其格", "乌云娜", "萨仁高娃", "苏和", "额尔敦", "包海龙", "吉日格勒")
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
]
SKILLS = (
    "理论宣讲",
    "政策解读",
    "义诊",
    "健康咨询",
    "中医推拿",
    "书法",
    "剪纸",
    "二人台",
    "马头琴",
    "广场舞",
    "摄影",
    "短视频制作",
    "电脑维修",
    "家电维修",
    "法律咨询",
    "心理疏导",
    "课业辅导",
    "农业技术",
    "垃圾分类宣传",
    "智能手机教学",
)
TYPE_ZH = {
    VolunteerType.PARTY_MEMBER: "在职党员",
    VolunteerType.LOCAL_TALENT: "乡土人才",
    VolunteerType.TECH_EXPERT: "科技能人",
    VolunteerType.FIVE_ELDERS: "“五老”",
    VolunteerType.COLLEGE_STUDENT: "大学生",
    VolunteerType.RETURNING_ENTREPRENEUR: "返乡创业",
    VolunteerType.NEW_GENTRY: "新乡贤",
    VolunteerType.SOCIAL_ORG: "社会组织",
}


class Names:
    """Invented Chinese names from a seeded rng, without repeats."""

    def __init__(self, rng: random.Random, taken: Iterable[str] = ()) -> None:
        self.rng = rng
        self.taken = set(taken)

    def __call__(self) -> str:
        for _attempt in range(200):
            if self.rng.random() < 0.05:
                name = self.rng.choice(MONGOLIAN)
            else:
                name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in self.taken:
                self.taken.add(name)
                return name
        # Every combination tried is taken: add a distinguishing suffix rather than loop forever.
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + self.rng.choice("甲乙丙丁")
        self.taken.add(name)
        return name


class Phones:
    """Invented, valid and unique mobile numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def __call__(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.taken:
                self.taken.add(phone)
                return phone


def make_id_number(rng: random.Random, born: dt.date, region: str = DIVISION) -> str:
    """An invented resident ID number (GB 11643) for someone born in the district, with a right check digit."""
    first17 = f"{region}{born:%Y%m%d}{rng.randrange(1, 1000):03d}"
    return first17 + id_check_digit(first17)


def _born(rng: random.Random, today: dt.date, min_age: int, max_age: int) -> dt.date:
    age_days = rng.randrange(min_age * 366, max_age * 365)
    return today - dt.timedelta(days=age_days)


def _availability(rng: random.Random) -> dict[str, list[str]]:
    days = rng.sample(WEEKDAYS, rng.randint(1, 4))
    return {day: sorted(rng.sample(DAY_PARTS, rng.randint(1, 2)), key=DAY_PARTS.index) for day in days}


def _near(rng: random.Random, value: float | None, spread: float) -> float | None:
    return None if value is None else round(value + rng.uniform(-spread, spread), 6)


# --- seed_base ------------------------------------------------------------------------------------------------


def _root() -> Unit | None:
    return Unit.objects.filter(depth=1, name=CENTRE, division_code=DIVISION).first()


def already_seeded() -> bool:
    """The demo is loaded once the Kundulun centre exists; seed_base is one transaction, so it is all or nothing."""
    return _root() is not None


def _seed_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for spec in UNITS:
        fields = {
            "division_code": spec.division_code,
            "industry": spec.industry,
            "address": spec.address,
            "lat": spec.lat,
            "lng": spec.lng,
            "contact_name": spec.contact_name,
            "description": spec.description,
        }
        parent = units[spec.parent] if spec.parent else None
        if (
            spec.lat is None and parent is not None
        ):  # departments, venues and organisations sit by their parent
            fields["lat"], fields["lng"] = parent.lat, parent.lng
        units[spec.key] = unit_create(parent=parent, name=spec.name, kind=spec.kind, **fields)
    return units


def _seed_staff(units: dict[str, Unit], phones: Phones) -> dict[str, User]:
    """The staff, liaison and auditor logins, and (unusable-password) staff of the other stations."""
    grants = {
        "office": ("centre", Membership.Role.STAFF, "文明办主任"),
        "institute": ("kunhe", Membership.Role.STAFF, "实践所所长"),
        "station": ("wanhe", Membership.Role.STAFF, "实践站站长"),
        "sibling": ("hexi", Membership.Role.STAFF, "实践站站长"),
        "liaison": ("health", Membership.Role.LIAISON, "志愿服务联络员"),
        "auditor": ("centre", Membership.Role.AUDITOR, "审计员"),
    }
    users: dict[str, User] = {}
    for login in LOGINS:
        if login.username not in grants:
            continue
        unit_key, role, title = grants[login.username]
        user = people.user_create(
            username=login.username,
            password=PASSWORD,
            full_name=login.full_name,
            phone=phones(),
        )  # no admin-site rights: the office runs the district from its own pages (issue #12)
        membership_grant(user=user, unit=units[unit_key], role=role, title=title)
        mfa_enrol_fixed(user=user, key_hex=DEMO_TOTP_KEY_HEX)  # second factor, key printed below
        users[login.username] = user
    # Staff of the street institute and the other stations: real people in the data, not demo logins.
    for key in ("zhaotan", "liubao", "youyi", "luyuan", "kunbei"):
        spec = next(s for s in UNITS if s.key == key)
        user = people.user_create(
            username=f"staff_{key}", password=None, full_name=spec.contact_name, phone=phones()
        )
        membership_grant(user=user, unit=units[key], role=Membership.Role.STAFF, title="工作人员")
        users[key] = user
    users["kunhe"] = users["institute"]
    users["wanhe"] = users["station"]
    users["hexi"] = users["sibling"]
    return users


@dataclass(frozen=True)
class TeamSpec:
    name: str
    team_type: str
    home: str
    served: tuple[str, ...]
    categories: tuple[str, ...]
    size: int
    capacity: int = 3
    description: str = ""


P = Platform
T = VolunteerType
TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec(
        "万和阳光社区在职党员志愿服务队",
        T.PARTY_MEMBER,
        "wanhe",
        ("wanhe", "wanhe_point"),
        (P.LECTURE, P.EDUCATION, P.CULTURE, P.HEALTH),
        10,
        capacity=4,
        description="社区在职党员“双报到”组建；理论宣讲、助老、文化活动。",
    ),
    TeamSpec(
        "昆河镇乡土人才志愿服务队",
        T.LOCAL_TALENT,
        "kunhe",
        ("wanhe", "hexi", "liubao"),
        (P.CULTURE, P.EDUCATION),
        8,
        description="二人台、剪纸、马头琴等乡土文艺人才。",
    ),
    TeamSpec(
        "昆河镇科技能人志愿服务队",
        T.TECH_EXPERT,
        "kunhe",
        ("wanhe", "hexi", "liubao"),
        (P.SCIENCE, P.MEDIA),
        7,
        description="农业技术、家电维修、智能手机教学。",
    ),
    TeamSpec(
        "沼潭街道“五老”志愿服务队",
        T.FIVE_ELDERS,
        "zhaotan",
        ("youyi", "luyuan", "kunbei"),
        (P.LECTURE, P.EDUCATION),
        9,
        description="老干部、老战士、老专家、老教师、老模范讲家风、讲党史。",
    ),
    TeamSpec(
        "包头高校大学生志愿服务队",
        T.COLLEGE_STUDENT,
        "kunbei",
        ("wanhe", "youyi", "kunbei"),
        (P.EDUCATION, P.SCIENCE, P.MEDIA),
        12,
        description="课业辅导、科普进社区、短视频宣传。",
    ),
    TeamSpec(
        "河西村返乡创业志愿服务队",
        T.RETURNING_ENTREPRENEUR,
        "hexi",
        ("hexi", "liubao"),
        (P.SCIENCE, P.CULTURE),
        6,
    ),
    TeamSpec(
        "刘宝窑子村新乡贤志愿服务队",
        T.NEW_GENTRY,
        "liubao",
        ("liubao", "hexi"),
        (P.LECTURE, P.CULTURE),
        6,
    ),
    TeamSpec(
        "益家社工志愿服务队",
        T.SOCIAL_ORG,
        "yijia",
        ("wanhe", "youyi", "luyuan"),
        (P.HEALTH, P.EDUCATION),
        7,
        description="昆区益家社会工作服务中心的社工与志愿者，关爱空巢老人和留守儿童。",
    ),
    TeamSpec(
        "阳光助老志愿服务队",
        T.SOCIAL_ORG,
        "zhulao",
        ("hexi", "kunbei", "wanhe"),
        (P.HEALTH, P.CULTURE),
        6,
    ),
    TeamSpec(
        "友谊社区在职党员志愿服务队",
        T.PARTY_MEMBER,
        "youyi",
        ("youyi", "youyi_point"),
        (P.LECTURE, P.HEALTH),
        8,
    ),
    TeamSpec(
        "鹿苑社区健康志愿服务队",
        T.LOCAL_TALENT,
        "luyuan",
        ("luyuan",),
        (P.HEALTH,),
        5,
    ),
    TeamSpec(
        "区卫健委义诊志愿服务队",
        T.PARTY_MEMBER,
        "health",
        ("wanhe", "hexi", "liubao", "youyi", "luyuan", "kunbei"),
        (P.HEALTH,),
        8,
        capacity=5,
        description="区卫生健康委员会在职党员医生护士，义诊、健康讲座。",
    ),
    TeamSpec(
        "区融媒体中心宣传志愿服务队",
        T.PARTY_MEMBER,
        "media",
        ("wanhe", "youyi", "kunbei"),
        (P.MEDIA, P.LECTURE),
        5,
    ),
)
UNAFFILIATED_VOLUNTEERS = 50  # registered but not (yet) in a team
RESIDENTS = 80


def _home_station(spec: TeamSpec) -> str:
    """Where a team's volunteers live: its home if it is a station, else the first practice unit it serves."""
    if spec.home in STATIONS:
        return spec.home
    return next(key for key in spec.served if key in STATIONS)


def _volunteer(
    *,
    rng: random.Random,
    today: dt.date,
    names: Names,
    phones: Phones,
    ids: set[str],
    unit: Unit,
    types: list[str],
    categories: list[str],
    username: str = "",
    password: str = "",
    full_name: str = "",
) -> Volunteer:
    id_number = ""
    if (
        rng.random() < 0.35
    ):  # some volunteers gave their ID number (for insurance); it never becomes their number
        while not id_number or id_number in ids:
            id_number = make_id_number(rng, _born(rng, today, 19, 68))
        ids.add(id_number)
    name = full_name or names()
    return people.volunteer_register(
        username=username or f"v{len(phones.taken):04d}_{pinyin_initials(name)}",
        password=password,
        name=name,
        phone=phones(),
        home_unit=unit,
        types=types,
        categories=categories,
        skills="、".join(rng.sample(SKILLS, rng.randint(1, 3))),
        id_number=id_number,
        availability=_availability(rng),
        lat=_near(rng, unit.lat, 0.008),
        lng=_near(rng, unit.lng, 0.008),
        consent=True,
    )


def _seed_volunteers_and_teams(
    *, rng: random.Random, today: dt.date, units: dict[str, Unit], names: Names, phones: Phones
) -> None:
    logins = {login.username: login for login in LOGINS}
    ids: set[str] = set()
    all_volunteers: list[Volunteer] = []
    for index, spec in enumerate(TEAMS):
        station = units[_home_station(spec)]
        members: list[Volunteer] = []
        for position in range(spec.size):
            extra_type = rng.choice(T.values) if rng.random() < 0.2 else None
            types = list(dict.fromkeys([spec.team_type, *([extra_type] if extra_type else [])]))
            categories = rng.sample(spec.categories, rng.randint(1, len(spec.categories)))
            login = None
            if index == 0 and position == 0:
                login = logins["leader"]
            elif index == 0 and position == 1:
                login = logins["volunteer"]
            members.append(
                _volunteer(
                    rng=rng,
                    today=today,
                    names=names,
                    phones=phones,
                    ids=ids,
                    unit=station,
                    types=types,
                    categories=list(spec.categories) if login else categories,
                    username=login.username if login else "",
                    password=PASSWORD if login else "",
                    full_name=login.full_name if login else "",
                )
            )
        # A few experienced volunteers also serve in a second team.
        if all_volunteers and index % 3 == 2:
            members.append(rng.choice(all_volunteers[2:]))
        team = people.team_create(
            name=spec.name,
            team_type=spec.team_type,
            home_unit=units[spec.home],
            served_units=[units[key] for key in spec.served],
            categories=list(spec.categories),
            leader=members[0].user,
            capacity=spec.capacity,
            description=spec.description,
        )
        for volunteer in members:
            people.team_add_member(team=team, volunteer=volunteer)
        all_volunteers.extend(members)
    for _i in range(UNAFFILIATED_VOLUNTEERS):
        station = units[rng.choice(STATIONS)]
        _volunteer(
            rng=rng,
            today=today,
            names=names,
            phones=phones,
            ids=ids,
            unit=station,
            types=[rng.choice(T.values)],
            categories=rng.sample(P.values, rng.randint(1, 3)),
        )


def _address(rng: random.Random, unit: Unit) -> str:
    place = unit.name.removesuffix("新时代文明实践站")
    if place.endswith("村"):
        return f"{place}{rng.randint(1, 6)}组{rng.randint(1, 60)}号"
    return f"{place}{rng.randint(1, 24)}栋{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}"


def _seed_residents(
    *,
    rng: random.Random,
    today: dt.date,
    units: dict[str, Unit],
    staff: dict[str, User],
    names: Names,
    phones: Phones,
) -> None:
    login = next(x for x in LOGINS if x.username == "resident")
    wanhe = units["wanhe"]
    people.resident_register(
        username=login.username,
        password=PASSWORD,
        name=login.full_name,
        phone=phones(),
        unit=wanhe,
        address="万和阳光社区3栋2单元501",
        birth_date=_born(rng, today, 72, 80),
        focus_groups=[FocusGroup.EMPTY_NEST_ELDERLY],
        consent=True,
    )
    ids: set[str] = set()
    villages = ("hexi", "liubao")
    for index in range(RESIDENTS - 1):
        kind = index % 8  # 0-2 elderly, 3 child, 4 hardship, 5 elderly in hardship, 6-7 no focus group
        # Left-behind children live mostly in the villages.
        key = rng.choice((*villages, *villages, "wanhe")) if kind == 3 else rng.choice(STATIONS)
        unit = units[key]
        if index in (5, 21):  # residents of the two points
            unit = units["wanhe_point"] if index == 5 else units["youyi_point"]
        groups: list[str] = []
        guardian: dict[str, Any] = {}
        phone = phones()
        if kind in (0, 1, 2):
            born = _born(rng, today, 65, 90)
            groups = [FocusGroup.EMPTY_NEST_ELDERLY]
        elif kind == 3:
            born = _born(rng, today, 6, 13)
            groups = [FocusGroup.LEFT_BEHIND_CHILD]
            phone = ""
            guardian = {"guardian_name": names(), "guardian_phone": phones(), "guardian_consent": True}
        elif kind == 4:
            born = _born(rng, today, 30, 60)
            groups = [FocusGroup.HARDSHIP]
        elif kind == 5:
            born = _born(rng, today, 66, 85)
            groups = [FocusGroup.EMPTY_NEST_ELDERLY, FocusGroup.HARDSHIP]
        else:
            born = _born(rng, today, 18, 70)
        name = names()
        address = _address(rng, unit)
        if index % 6 == 1 and kind not in (3,):
            # Some residents registered themselves on their phone (no ID number asked).
            people.resident_register(
                username=f"r{index:03d}_{pinyin_initials(name)}",
                password="",
                name=name,
                phone=phone or phones(),
                unit=unit,
                address=address,
                birth_date=born,
                focus_groups=groups,
                consent=True,
            )
            continue
        id_number = ""
        if rng.random() < 0.4:
            while not id_number or id_number in ids:
                id_number = make_id_number(rng, born)
            ids.add(id_number)
        station_key = next(k for k, u in units.items() if u.pk == unit.pk)
        entered_by = staff.get(station_key) or staff.get(_parent_key(station_key)) or staff["office"]
        people.resident_enter(
            entered_by=entered_by,
            name=name,
            unit=unit,
            phone=phone,
            id_number=id_number,
            address=address,
            birth_date=born,
            focus_groups=groups,
            **guardian,
        )


def _parent_key(key: str) -> str:
    return next((s.parent or "" for s in UNITS if s.key == key), "")


def seed_base(*, rng: random.Random, today: dt.date) -> None:
    """The Kundulun district: units, staff and demo logins, volunteers in teams, residents. One transaction."""
    with transaction.atomic():
        names = Names(rng, taken=[login.full_name for login in LOGINS])
        phones = Phones(rng)
        units = _seed_units()
        staff = _seed_staff(units, phones)
        _seed_volunteers_and_teams(rng=rng, today=today, units=units, names=names, phones=phones)
        _seed_residents(rng=rng, today=today, units=units, staff=staff, names=names, phones=phones)
        # The network was built in 2019 (the seed's year): volunteers and teams have served since then, so the
        # figures for 2019 count them as registered. (Counters are rebuilt after every demo story is written.)
        joined = dt.datetime(2019, 3, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        Volunteer.objects.update(created_at=joined)
        Team.objects.update(created_at=joined)


def logins_text(resident_phone: str = "") -> str:
    """The demo accounts, one per role, as printed by `make demo` (with the resident's mobile for SMS sign-in)."""
    rows = [("角色", "用户名", "密码", "先试试")]
    rows += [(login.role, login.username, PASSWORD, login.try_first) for login in LOGINS]

    def width(text: str) -> int:  # a CJK character takes two columns in a terminal
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(row[i]) for row in rows) for i in range(3)]
    lines = ["", "演示账号（密码相同）/ Demo logins (one password for all):"]
    for row in rows:
        cells = [row[i] + " " * (widths[i] - width(row[i])) for i in range(3)]
        lines.append("  " + "  ".join(cells) + "  " + row[3])
    lines += [
        "",
        "工作人员、联络员、审计员账号需第二步验证 / Staff, liaison and auditor logins need a second factor:",
        f"  在身份验证器 App 中添加密钥 / add this key to an authenticator app: {DEMO_TOTP_SECRET}",
        "  或运行 / or print the current code: .venv/bin/python manage.py otp_code office",
    ]
    if resident_phone:
        lines += [
            "",
            "居民和志愿者也可用手机号和短信验证码登录 / Residents and volunteers may sign in with an SMS code:",
            f"  http://127.0.0.1:<PORT>/accounts/sms/ ，居民 resident 的手机号 / the resident's mobile: {resident_phone}",
            "  演示环境不发短信，验证码打印在服务器日志里 / the demo sends no SMS: the code is printed in the server log",
        ]
    return "\n".join(lines) + "\n"


# --- seed_scale: synthetic bulk data for benchmarks -------------------------------------------------------------

SCALE_MARK = "基准"  # synthetic units are named 基准NN街道…, so benchmarks can tell them apart
STATIONS_PER_INSTITUTE = 25
BENCH_USERNAME = "bench_entry"  # enters the synthetic residents (unusable password)
VOLUNTEER_PHONE_PREFIX = "170"  # synthetic numbers: 170 + 8 digits for volunteers, 171 + 8 for residents
RESIDENT_PHONE_PREFIX = "171"


def _step(num: int) -> str:
    key = Unit._int2str(num)
    if len(key) > Unit.steplen:
        raise ValueError(f"too many children for one unit: {num}")
    return Unit.alphabet[0] * (Unit.steplen - len(key)) + key


def _last_child_pos(parent: Unit) -> int:
    last = (
        Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return Unit._str2int(last[-Unit.steplen :]) if last else 0


def _scale_units(*, rng: random.Random, root: Unit, stations: int, stdout: Any) -> list[Unit]:
    """Top the synthetic network up to `stations` stations (~25 per institute, a point under every 5th)."""
    existing = list(
        Unit.objects.filter(
            path__startswith=root.path, level=Unit.Level.STATION, name__startswith=SCALE_MARK
        ).order_by("path")
    )
    if len(existing) >= stations:
        return existing
    n_institutes = max(1, math.ceil(stations / STATIONS_PER_INSTITUTE))
    institutes = list(
        Unit.objects.filter(
            path__startswith=root.path, level=Unit.Level.INSTITUTE, name__startswith=SCALE_MARK
        ).order_by("path")
    )
    new_units: list[Unit] = []
    if len(institutes) < n_institutes:
        pos = _last_child_pos(root)
        for number in range(len(institutes) + 1, n_institutes + 1):
            pos += 1
            angle = rng.uniform(0, 2 * math.pi)
            institute = Unit(
                name=f"{SCALE_MARK}{number:02d}街道新时代文明实践所",
                level=Unit.Level.INSTITUTE,
                kind=Unit.Kind.PRACTICE,
                division_code=f"{DIVISION}{500 + number:03d}",
                address=f"{SCALE_MARK}{number:02d}街道党群服务中心",
                lat=round((root.lat or 40.64) + 0.12 * math.sin(angle), 6),
                lng=round((root.lng or 109.83) + 0.16 * math.cos(angle), 6),
                path=root.path + _step(pos),
                depth=root.depth + 1,
                numchild=0,
            )
            institutes.append(institute)
            new_units.append(institute)
        Unit.objects.bulk_create(new_units)
        Unit.objects.filter(pk=root.pk).update(numchild=F("numchild") + len(new_units))
    # Next free child position and number of new children, per institute.
    next_pos = {inst.path: _last_child_pos(inst) for inst in institutes}
    added: dict[str, int] = defaultdict(int)
    stations_new: list[Unit] = []
    points: list[Unit] = []
    for number in range(len(existing) + 1, stations + 1):
        institute = institutes[(number - 1) % len(institutes)]
        next_pos[institute.path] += 1
        added[institute.path] += 1
        has_point = number % 5 == 0
        station = Unit(
            name=f"{institute.name[: len(SCALE_MARK) + 4]}第{number:03d}社区新时代文明实践站",
            level=Unit.Level.STATION,
            kind=Unit.Kind.PRACTICE,
            division_code=f"{institute.division_code}{number % 1000:03d}",
            address=f"第{number:03d}社区党群服务中心",
            lat=_near(rng, institute.lat, 0.03),
            lng=_near(rng, institute.lng, 0.04),
            path=institute.path + _step(next_pos[institute.path]),
            depth=institute.depth + 1,
            numchild=1 if has_point else 0,
        )
        stations_new.append(station)
        if has_point:
            points.append(
                Unit(
                    name=f"第{number:03d}社区活动室实践点",
                    level=Unit.Level.POINT,
                    kind=Unit.Kind.PRACTICE,
                    address=f"第{number:03d}社区活动室",
                    lat=_near(rng, station.lat, 0.003),
                    lng=_near(rng, station.lng, 0.003),
                    path=station.path + _step(1),
                    depth=station.depth + 1,
                    numchild=0,
                )
            )
    Unit.objects.bulk_create(stations_new, batch_size=1000)
    Unit.objects.bulk_create(points, batch_size=1000)
    for inst in institutes:
        if added[inst.path]:
            Unit.objects.filter(path=inst.path).update(numchild=F("numchild") + added[inst.path])
    stdout.write(
        f"  units: {len(new_units)} institutes, {len(stations_new)} stations, {len(points)} points added"
    )
    return existing + stations_new


def _unusable_password() -> str:
    # Same form as Django's make_password(None) ("!" + random), without its per-character cost on 150,000 rows.
    return "!" + secrets.token_urlsafe(30)


def _bench_user() -> User:
    user = User.objects.filter(username=BENCH_USERNAME).first()
    return user or people.user_create(username=BENCH_USERNAME, password=None, full_name="基准数据录入")


def _last_volunteer_seq(prefix: str) -> int:
    last = (
        Volunteer.objects.filter(number__startswith=f"{prefix}-V")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return int(last.rsplit("V", 1)[1]) if last else 0


class _Initials(dict):
    def __missing__(self, name: str) -> str:
        self[name] = value = pinyin_initials(name)
        return value


def _scale_volunteers(
    *,
    rng: random.Random,
    stations: list[Unit],
    volunteers: int,
    batch: int,
    stdout: Any,
) -> None:
    start = Volunteer.objects.filter(user__username__startswith="bv").count()
    if start >= volunteers:
        return
    prefix = settings.CIVICLOOP["DISTRICT_PREFIX"]
    seq = _last_volunteer_seq(prefix)
    initials = _Initials()
    now = timezone.now()
    types = T.values
    platforms = P.values
    # Each team serves its station and the station's first point, if there is one.
    points = dict(Unit.objects.filter(level=Unit.Level.POINT).values_list("path", "pk"))
    for offset in range(start, volunteers, batch):
        end = min(offset + batch, volunteers)
        with transaction.atomic():
            users: list[User] = []
            homes: list[Unit] = []
            for index in range(offset, end):
                name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                phone = f"{VOLUNTEER_PHONE_PREFIX}{index:08d}"
                users.append(
                    User(
                        username=f"bv{index:07d}",
                        password=_unusable_password(),
                        full_name=name,
                        name_initials=initials[name],
                        phone=phone,
                        phone_hash=lookup_hash(phone),
                        phone_last4=phone[-4:],
                        date_joined=now,
                    )
                )
                homes.append(stations[index % len(stations)])
            User.objects.bulk_create(users)
            rows: list[Volunteer] = []
            for user, home in zip(users, homes, strict=True):
                seq += 1
                rows.append(
                    Volunteer(
                        user=user,
                        number=f"{prefix}-V{seq:07d}",
                        home_unit=home,
                        unit_path=home.path,
                        types=rng.sample(types, 2) if rng.random() < 0.15 else [rng.choice(types)],
                        categories=rng.sample(platforms, rng.randint(1, 3)),
                        skills=rng.choice(SKILLS),
                        lat=_near(rng, home.lat, 0.01),
                        lng=_near(rng, home.lng, 0.01),
                        availability=_availability(rng),
                        consent_at=now,
                    )
                )
            Volunteer.objects.bulk_create(rows)
            _scale_teams(rng=rng, volunteers=rows, stations=stations, points=points)
        stdout.write(f"  volunteers: {end}/{volunteers}")


def _scale_teams(
    *, rng: random.Random, volunteers: list[Volunteer], stations: list[Unit], points: dict[str, int]
) -> None:
    """About one team per ten volunteers, formed among the new volunteers of each station."""
    by_station: dict[int, list[Volunteer]] = defaultdict(list)
    for volunteer in volunteers:
        by_station[volunteer.home_unit_id].append(volunteer)
    station_by_id = {s.pk: s for s in stations}
    teams: list[Team] = []
    team_members: list[list[Volunteer]] = []
    for station_id, group in by_station.items():
        station = station_by_id[station_id]
        position = 0
        while position < len(group):
            size = rng.randint(8, 12)
            members = group[position : position + size]
            if len(members) < 5 and teams and team_members[-1][0].home_unit_id == station_id:
                team_members[-1].extend(members)  # too few left for a team of their own
                break
            position += size
            team_type = members[0].types[0]
            categories = sorted({c for m in members[:3] for c in m.categories})
            teams.append(
                Team(
                    name=f"{station.name.removesuffix('新时代文明实践站')}{TYPE_ZH[team_type]}志愿服务队"
                    f"{members[0].number[-5:]}",
                    team_type=team_type,
                    home_unit=station,
                    unit_path=station.path,
                    categories=categories,
                    leader_id=members[0].user_id,
                    capacity=rng.randint(2, 5),
                )
            )
            team_members.append(members)
    Team.objects.bulk_create(teams)
    Served = Team.served_units.through
    served: list[Any] = []
    members_rows: list[TeamMember] = []
    for team, members in zip(teams, team_members, strict=True):
        served.append(Served(team_id=team.pk, unit_id=team.home_unit_id))
        point_id = points.get(team.unit_path + _step(1))
        if point_id:
            served.append(Served(team_id=team.pk, unit_id=point_id))
        members_rows.extend(TeamMember(team_id=team.pk, volunteer_id=m.pk) for m in members)
    Served.objects.bulk_create(served)
    TeamMember.objects.bulk_create(members_rows)


def _scale_residents(
    *, rng: random.Random, today: dt.date, stations: list[Unit], residents: int, batch: int, stdout: Any
) -> None:
    entry = _bench_user()
    start = Resident.objects.filter(entered_by=entry).count()
    if start >= residents:
        return
    initials = _Initials()
    now = timezone.now()
    for offset in range(start, residents, batch):
        end = min(offset + batch, residents)
        rows: list[Resident] = []
        for index in range(offset, end):
            home = stations[index % len(stations)]
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            phone = f"{RESIDENT_PHONE_PREFIX}{index:08d}"
            roll = rng.random()
            if roll < 0.25:
                groups, born = [FocusGroup.EMPTY_NEST_ELDERLY.value], _born(rng, today, 65, 90)
            elif roll < 0.35:
                groups, born = [FocusGroup.HARDSHIP.value], _born(rng, today, 25, 70)
            else:
                groups, born = [], _born(rng, today, 18, 80)
            rows.append(
                Resident(
                    unit=home,
                    unit_path=home.path,
                    name=name,
                    name_initials=initials[name],
                    phone=phone,
                    phone_hash=lookup_hash(phone),
                    phone_last4=phone[-4:],
                    address=f"{home.address}附近{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元",
                    birth_date=born,
                    focus_groups=groups,
                    consent_at=now,
                    entered_by=entry,
                )
            )
        with transaction.atomic():
            Resident.objects.bulk_create(rows)
        stdout.write(f"  residents: {end}/{residents}")


def seed_scale(
    *,
    rng: random.Random,
    today: dt.date,
    stations: int,
    volunteers: int,
    stdout: Any,
    residents: int | None = None,
    batch: int = 5000,
) -> None:
    """Top the district up to `stations` synthetic stations, `volunteers` synthetic volunteers in teams of ~10
    and `residents` synthetic residents (default: one per three volunteers). Running it again with the same
    numbers adds nothing; larger numbers add the difference."""
    root = _root()
    if root is None:
        raise RuntimeError("Load the Kundulun demo (seed_base) before the synthetic data.")
    stdout.write(f"Synthetic data: {stations} stations, {volunteers} volunteers …")
    with transaction.atomic():
        station_units = _scale_units(rng=rng, root=root, stations=stations, stdout=stdout) if stations else []
    if not station_units:
        station_units = list(
            Unit.objects.filter(path__startswith=root.path, level=Unit.Level.STATION).order_by("path")
        )
    if volunteers:
        _scale_volunteers(rng=rng, stations=station_units, volunteers=volunteers, batch=batch, stdout=stdout)
    residents = volunteers // 3 if residents is None else residents
    if residents:
        _scale_residents(
            rng=rng, today=today, stations=station_units, residents=residents, batch=batch, stdout=stdout
        )
    stdout.write("Synthetic data ready.")
