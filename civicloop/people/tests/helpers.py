"""Small helpers for people tests: valid ID numbers and the form data of a good registration."""

from __future__ import annotations

from typing import Any

from civicloop.core.validators import id_check_digit


def id_number(first17: str = "15020319800101123") -> str:
    """A valid GB 11643 ID number for the given first 17 digits."""
    return first17 + id_check_digit(first17)


def bad_check_digit(first17: str = "15020319800101123") -> str:
    good = id_check_digit(first17)
    return first17 + ("1" if good != "1" else "2")


def resident_form(station: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "王秀英",
        "phone": "13712345678",
        "username": "wangxiuying",
        "password": "Kd-newpass-77",
        "unit": str(station.pk),
        "address": "万和阳光社区5栋1单元302",
        "birth_date": "1948-03-15",
        "focus_groups": ["empty_nest_elderly"],
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def volunteer_form(station: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "赵志强",
        "phone": "13698765432",
        "username": "zhaozhiqiang",
        "password": "Kd-newpass-88",
        "unit": str(station.pk),
        "types": ["party_member"],
        "categories": ["health", "culture"],
        "skills": "量血压",
        "availability": ["sat_am", "sun_pm"],
        "id_number": id_number(),
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
