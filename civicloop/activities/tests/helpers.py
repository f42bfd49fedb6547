from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from civicloop.activities import services
from civicloop.people import services as people

_seq = itertools.count(1)


def make_activity(
    personas,
    *,
    start_in=dt.timedelta(hours=-1),
    length=dt.timedelta(hours=3),
    quota=10,
    publish=True,
    auto_accept=True,
    unit=None,
    title="健康义诊进社区",
):
    start = timezone.now() + start_in
    over = start + length <= timezone.now()
    if over and publish:  # plan and publish it while it lay ahead, then let time pass
        start = timezone.now() + dt.timedelta(days=1)
    activity = services.activity_create(
        unit=unit or personas.station,
        actor=personas.station_staff,
        category="health",
        title=title,
        place="万和阳光社区广场",
        starts_at=start,
        ends_at=start + length,
        roles=[("志愿者", quota)],
        auto_accept=auto_accept,
    )
    if publish:
        services.activity_publish(activity=activity, actor=personas.station_staff)
    if over and publish:
        from civicloop.activities.models import Activity

        real_start = timezone.now() + start_in
        Activity.objects.filter(pk=activity.pk).update(starts_at=real_start, ends_at=real_start + length)
        activity.refresh_from_db()
    return activity


def make_volunteer(unit, name=None):
    n = next(_seq)
    return people.volunteer_register(
        username=f"vol{n}x",
        password="Kd-test-2026!",
        name=name or f"志愿者{n}",
        phone=f"137{n:08d}",
        home_unit=unit,
        categories=["health"],
        consent=True,
    )


def shift(activity, *, start_in, length):
    """Let time pass: move an activity (already planned, published and signed up for) to another time."""
    from civicloop.activities.models import Activity

    start = timezone.now() + start_in
    Activity.objects.filter(pk=activity.pk).update(starts_at=start, ends_at=start + length)
    activity.refresh_from_db()
    return activity
