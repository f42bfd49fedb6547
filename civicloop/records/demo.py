"""Records demo (after orders and activities): the points shop (爱心超市) at 万和阳光社区 station with goods, and
some redemptions (the activities demo declares the make-up hours). Everything goes through the services, so `check_points` passes."""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError

from civicloop.network.models import Membership, Unit
from civicloop.records import services
from civicloop.records.models import PointsAccount, ShopItem

GOODS = [
    ("洗衣液", 80, 20),
    ("毛巾", 30, 50),
    ("大米（5公斤）", 150, 10),
    ("食用油", 120, 10),
    ("雨伞", 60, 15),
    ("保温杯", 100, 8),
    ("志愿服务纪念徽章", 20, 100),
]


def seed(*, rng: random.Random, today: dt.date, scale: int = 0) -> None:
    if ShopItem.objects.exists():
        return
    station = Unit.objects.filter(level=Unit.Level.STATION, name__startswith="万和阳光社区").first()
    if station is None:
        return
    member = Membership.objects.filter(unit=station, role="staff").select_related("user").first()
    actor = member.user if member else None
    # The points shop.
    items = [
        services.shop_item_create(unit=station, name=n, price=p, stock=s, actor=actor, description="爱心超市")
        for n, p, s in GOODS
    ]
    # Some redemptions by volunteers with points.
    rich = list(
        PointsAccount.objects.filter(balance__gte=100).select_related(
            "volunteer__user", "volunteer__home_unit"
        )[:12]
    )
    for n, account in enumerate(rich):
        item = rng.choice(items)
        try:
            redemption = services.redemption_create(volunteer=account.volunteer, item=item)
        except ValidationError:
            continue
        if n % 2 == 0 and actor is not None:
            services.redemption_hand_out(redemption=redemption, actor=actor)
