"""Small builders for hand-built matching cases (orders are created as rows: the engine only reads them)."""

from __future__ import annotations

import itertools
from typing import Any

from civicloop.network.services import unit_create
from civicloop.orders.models import Order, OrderRating
from civicloop.people import services as people

_seq = itertools.count(1)


def station(parent: Any, name: str, lat: float, lng: float) -> Any:
    return unit_create(parent=parent, name=name, lat=lat, lng=lng)


def team(name: str, home: Any, served: list[Any], categories: list[str], capacity: int = 3) -> Any:
    n = next(_seq)
    leader = people.user_create(username=f"lead{n}", password=None, full_name=f"队长{n}")
    return people.team_create(
        name=name,
        team_type="party_member",
        home_unit=home,
        served_units=served,
        categories=categories,
        leader=leader,
        capacity=capacity,
    )


def order(
    p: Any, *, unit: Any = None, category: str = "health", status: str = "submitted", **kw: Any
) -> Order:
    unit = unit or p.station
    n = next(_seq)
    return Order.objects.create(
        number=f"KD-20260101-{n:04d}",
        category=category,
        title=kw.pop("title", "上门量血压"),
        requester=p.resident_profile,
        unit=unit,
        unit_path=unit.path,
        status=status,
        **kw,
    )


def held(p: Any, team: Any, n: int, status: str = "accepted") -> None:
    for _i in range(n):
        order(p, status=status, team=team)


def rated(p: Any, team: Any, scores: list[int]) -> None:
    for s in scores:
        o = order(p, status="closed", team=team)
        OrderRating.objects.create(order=o, score=s)
