"""Records API: my hours (with stars) and my points."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from civicloop import access
from civicloop.records import selectors

router = Router(tags=["records"])


class MonthOut(Schema):
    month: dt.date
    hours: Decimal


class CategoryOut(Schema):
    category: str
    label: str
    hours: Decimal


class HoursOut(Schema):
    volunteer_number: str
    total_hours: Decimal
    stars: int
    by_month: list[MonthOut]
    by_category: list[CategoryOut]


class PointsEntryOut(Schema):
    kind: str
    points: int
    reason: str
    created_at: dt.datetime


class PointsOut(Schema):
    balance: int
    recent: list[PointsEntryOut]


def _volunteer(request: HttpRequest):
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="my_hours")
    return volunteer


@router.get("/me/hours", response=HoursOut)
def my_hours(request: HttpRequest):
    volunteer = _volunteer(request)
    total = selectors.total_hours(volunteer)
    return {
        "volunteer_number": volunteer.number,
        "total_hours": total,
        "stars": selectors.stars_for(total),
        "by_month": selectors.hours_by_month(volunteer),
        "by_category": [{**c, "label": str(c["label"])} for c in selectors.hours_by_category(volunteer)],
    }


@router.get("/me/points", response=PointsOut)
def my_points(request: HttpRequest):
    volunteer = _volunteer(request)
    return {
        "balance": selectors.points_balance(volunteer),
        "recent": list(selectors.points_entries(volunteer)[:50]),
    }
