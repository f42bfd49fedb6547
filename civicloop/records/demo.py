"""Records demo (after orders and activities): a few make-up hours, the points shop (爱心超市) at 万和阳光社区
station with goods, and some redemptions. Everything goes through the services, so `check_points` passes."""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError

from civicloop.activities.models import Activity, Signup
from civicloop.network.models import Membership, Unit
from civicloop.people.models import Volunteer
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
    # Make-up hours: volunteers who served at recent activities but whose sign-in was never recorded.
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
            claim = services.makeup_declare(
                volunteer=volunteer, activity=activity, hours=1 + (i % 2), note="忘记扫码签到，协助现场引导"
            )
        except ValidationError:
            continue
        if i % 2 == 0 and actor is not None:
            services.makeup_decide(claim=claim, approve=True, actor=actor)
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
