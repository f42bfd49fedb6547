"""Reads of the Open311 facade: the service list and request listings without personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from civicloop.core.choices import FocusGroup, Platform
from civicloop.orders.models import Order

# The platform letters of 讲教科文卫媒, as the group a partner's menu shows.
LETTERS = {"lecture": "讲", "education": "教", "science": "科", "culture": "文", "health": "卫", "media": "媒"}
CLOSED = ("closed", "rejected", "cancelled")


def services() -> list[dict[str, Any]]:
    return [
        {
            "service_code": code,
            "service_name": str(label),
            "description": str(label),
            "metadata": True,
            "type": "realtime",
            "keywords": LETTERS[code],
            "group": LETTERS[code],
        }
        for code, label in Platform.choices
    ]


def attributes() -> list[dict[str, Any]]:
    return [
        {
            "variable": True,
            "code": "focus_group",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 1,
            "description": "服务对象 · who is served",
            "values": [{"key": k, "name": str(v)} for k, v in FocusGroup.choices],
        },
        {
            "variable": True,
            "code": "beneficiaries",
            "datatype": "number",
            "required": False,
            "datatype_description": "1–1000",
            "order": 2,
            "description": "服务人数 · people to be served",
            "values": [],
        },
        {
            "variable": True,
            "code": "subcategory",
            "datatype": "string",
            "required": False,
            "datatype_description": "",
            "order": 3,
            "description": "服务类别 · sub-category",
            "values": [],
        },
    ]


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def requests(
    *,
    ids: list[str] | None = None,
    codes: list[str] | None = None,
    status: str = "",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    qs = Order.objects.select_related("unit").only(
        "number", "title", "category", "status", "created_at", "updated_at", "complete_due", "claim_due",
        "unit__name", "unit__lat", "unit__lng",
    )
    if ids:
        qs = qs.filter(number__in=ids)
    else:
        if start is not None:
            qs = qs.filter(created_at__gte=start)
        if end is not None:
            qs = qs.filter(created_at__lte=end)
    if codes:
        qs = qs.filter(category__in=codes)
    if status == "open":
        qs = qs.exclude(status__in=CLOSED)
    elif status == "closed":
        qs = qs.filter(status__in=CLOSED)
    labels = dict(Platform.choices)
    rows = []
    for o in qs.order_by("-created_at")[:limit]:
        rows.append(
            {
                "service_request_id": o.number,
                "status": "closed" if o.status in CLOSED else "open",
                "status_notes": str(o.get_status_display()),
                "service_name": str(labels.get(o.category, o.category)),
                "service_code": o.category,
                "description": o.title,
                "agency_responsible": o.unit.name,
                "service_notice": "",
                "requested_datetime": _iso(o.created_at),
                "updated_datetime": _iso(o.updated_at),
                "expected_datetime": _iso(o.complete_due or o.claim_due),
                "address": o.unit.name,
                "address_id": "",
                "zipcode": "",
                "lat": o.unit.lat,
                "long": o.unit.lng,
                "media_url": "",
            }
        )
    return rows
