"""Demo story for the learning garden: a garden at each institute and station with 学习强国 study posts, and
over a hundred messages from residents and volunteers (百余人次参与交流互动), a few held or hidden."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from civicloop.garden import services
from civicloop.garden.models import Comment, Garden, GardenPost
from civicloop.network.models import Membership, Unit
from civicloop.people.models import Resident, Volunteer

POSTS = [
    (
        "学习强国：习近平新时代中国特色社会主义思想学习纲要",
        "本期学习园地带大家一起学习《习近平新时代中国特色社会主义思想学习纲要》第一章，欢迎在留言区分享学习体会。",
        "学习强国 | https://www.xuexi.cn/",
    ),
    (
        "新时代文明实践：志愿服务“点单、派单、接单、评单”",
        "群众点单、中心派单、志愿者接单、群众评单，让志愿服务更精准。请大家说说您最需要哪些服务。",
        "",
    ),
    (
        "健康知识：老年人冬季养生",
        "冬季气温低，老年人要注意保暖，适量运动，按时服药。社区卫生服务站每周三上午提供免费测血压服务。",
        "健康中国 | https://www.nhc.gov.cn/",
    ),
    (
        "家庭教育：如何陪伴留守儿童成长",
        "父母在外务工，孩子更需要关爱。本期分享几种与孩子远程沟通的好办法。",
        "",
    ),
    (
        "民法典与日常生活",
        "民法典被称为“社会生活的百科全书”，本期学习与邻里关系相关的条款。",
        "中国人大网 | http://www.npc.gov.cn/",
    ),
]
MESSAGES = [
    "学习了，很受教育！",
    "内容很实用，转给家里人看了。",
    "希望多组织这样的学习活动。",
    "点赞！",
    "支持新时代文明实践！",
    "讲得很透彻，受益匪浅。",
    "希望能有线下讲座。",
    "谢谢志愿者的辛苦付出！",
    "老年人也能看懂，很好。",
    "已学习，打卡。",
    "希望多讲讲健康知识。",
    "孩子也很喜欢看。",
    "社区的服务越来越好了。",
    "这个活动我也想参加。",
    "学习强国每天都在学。",
]


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
    units = list(
        Unit.objects.filter(
            path__startswith=root.path,
            kind=Unit.Kind.PRACTICE,
            level__in=[Unit.Level.INSTITUTE, Unit.Level.STATION],
            is_active=True,
        ).order_by("path")
    )
    authors = [
        r.user
        for r in Resident.objects.filter(user__isnull=False, erased_at__isnull=True)
        .select_related("user")
        .order_by("id")[:60]
    ]
    authors += [
        v.user for v in Volunteer.objects.filter(is_active=True).select_related("user").order_by("id")[:60]
    ]
    authors = list({u.pk: u for u in authors}.values())
    now = timezone.now()
    posts: list[GardenPost] = []
    for i, unit in enumerate(units):
        staff = _staff_of(unit)
        for j in range(2 if unit.level == Unit.Level.STATION else 3):
            title, body, link = POSTS[(i + j) % len(POSTS)]
            posts.append(
                services.post_publish(
                    unit=unit,
                    title=title,
                    body=body,
                    links=link,
                    actor=staff,
                    published_at=now - dt.timedelta(days=7 * (j + 1) + i),
                )
            )
    if not posts or not authors:
        return
    for k in range(120):
        post = posts[k % len(posts)]
        services.comment_post(post=post, author=rng.choice(authors), body=rng.choice(MESSAGES))
    # One garden approves before showing; a message with a listed word waits; an off-topic one is hidden.
    first_institute = next((u for u in units if u.level == Unit.Level.INSTITUTE), units[0])
    garden = Garden.objects.get(unit=first_institute)
    services.garden_set_moderation(
        garden=garden, moderation=Garden.Moderation.PRE, actor=_staff_of(first_institute)
    )
    services.comment_post(
        post=garden.posts.first(), author=authors[0], body="我也想参加学习，请问在哪里报名？"
    )
    services.comment_post(post=posts[0], author=authors[-1], body="加微信代开发票，价格优惠")
    ad = services.comment_post(
        post=posts[1], author=authors[len(authors) // 2], body="出售二手家具，有意者联系"
    )
    services.comment_hide(comment=ad, reason="与学习内容无关的广告", actor=_staff_of(root))
    Comment.objects.filter(status=Comment.Status.VISIBLE).update(
        created_at=now - dt.timedelta(days=rng.randint(1, 5))
    )
