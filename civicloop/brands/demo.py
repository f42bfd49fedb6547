"""Demo story for brand projects: at least one per town/street and for most industries; 科技 is left without
one so the compliance page shows a gap."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from civicloop.brands import services
from civicloop.network.models import Membership, Unit
from civicloop.people.models import Team

PROJECTS_BY_INSTITUTE = [
    ("“昆河讲堂”理论宣讲", "lecture", "镇村两级理论宣讲队伍走进田间地头，用群众听得懂的话讲政策。"),
    ("“红马甲”助老服务", "health", "党员志愿者为空巢老人提供上门测血压、代购药品等服务。"),
    ("“书香少年”留守儿童关爱", "education", "大学生志愿者为留守儿童提供课后辅导和亲子阅读。"),
]
PROJECTS_BY_INDUSTRY = {
    "卫生健康": ("“健康进万家”义诊", "health", "卫生健康系统医务志愿者定期下沉社区义诊。"),
    "教育": ("“家长学校”家庭教育", "education", "教育系统志愿者开展家庭教育讲座。"),
    "文化旅游体育": ("“文化惠民”演出进社区", "culture", "文艺志愿者送戏、送书、送电影进村（社区）。"),
}
LEFT_WITHOUT = "科技"


def _staff_of(unit: Unit) -> Any:
    for u in [unit, *Unit.objects.get_ancestors(unit).reverse()]:
        m = Membership.objects.filter(unit=u, role=Membership.Role.STAFF).select_related("user").first()
        if m is not None:
            return m.user
    return None


def seed(*, rng: random.Random, today: dt.date, scale: int = 0) -> None:
    root = Unit.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    office = _staff_of(root)
    institutes = Unit.objects.filter(
        path__startswith=root.path, level=Unit.Level.INSTITUTE, kind=Unit.Kind.PRACTICE
    ).order_by("path")
    for i, inst in enumerate(institutes):
        stations = list(Unit.objects.get_children(inst).filter(level=Unit.Level.STATION).order_by("path"))
        picks = [0, 1] if i == 0 else [(i + 1) % len(PROJECTS_BY_INSTITUTE)]
        for j, k in enumerate(picks):
            name, category, text = PROJECTS_BY_INSTITUTE[k]
            owner = inst if j == 0 or not stations else stations[0]
            teams = list(
                Team.objects.filter(unit_path__startswith=owner.path, is_active=True).order_by("id")[:2]
            )
            services.brand_create(
                name=name if i == 0 else f"{inst.name[:4]}{name}",
                owner_unit=owner,
                category=category,
                description=text,
                teams=teams,
                actor=office,
            )
    for dept in (
        Unit.objects.filter(path__startswith=root.path, kind=Unit.Kind.DEPARTMENT)
        .exclude(industry="")
        .order_by("path")
    ):
        if dept.industry == LEFT_WITHOUT or dept.industry not in PROJECTS_BY_INDUSTRY:
            continue
        name, category, text = PROJECTS_BY_INDUSTRY[dept.industry]
        services.brand_create(name=name, owner_unit=dept, category=category, description=text, actor=office)
