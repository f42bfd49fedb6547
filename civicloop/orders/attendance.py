"""Honest attendance (issue #13): when and where a check-in counts, how long before a check-out, and how many
hours a report may credit. Pure rules plus one read; the services in `orders.services` enforce them.

The knobs live in `settings.CIVICLOOP` (defaults below):
- `CHECKIN_WINDOW_MINUTES` (-60, 120): a check-in is accepted from 60 minutes before the start of the order's
  service time (`wanted_from`) until 120 minutes after its end (`wanted_to`, else the start). An order without
  a service time, and a rework session (it has no agreed slot; the completion deadline bounds it), have none.
- `CHECKIN_DISTANCE_M` 500: when the order has coordinates and the phone sent a position, the position must be
  within this distance of the order. No position, no distance check (the page only asks the browser politely).
- `CHECKOUT_MIN_MINUTES` 10: a check-out this soon after the check-in is refused (a double tap is not service).
- `HOURS_TOLERANCE` 0.5: a report may credit a volunteer at most the attended time plus this many hours.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

EARTH_M = 6_371_000.0


def _knob(name: str, default: Any) -> Any:
    return getattr(settings, "CIVICLOOP", {}).get(name, default)


def checkin_window() -> tuple[int, int]:
    before, after = _knob("CHECKIN_WINDOW_MINUTES", (-60, 120))
    return int(before), int(after)


def checkin_distance_m() -> int:
    return int(_knob("CHECKIN_DISTANCE_M", 500))


def checkout_min_minutes() -> int:
    return int(_knob("CHECKOUT_MIN_MINUTES", 10))


def hours_tolerance() -> Decimal:
    return Decimal(str(_knob("HOURS_TOLERANCE", "0.5")))


def window_of(wanted_from: dt.datetime | None, wanted_to: dt.datetime | None) -> tuple[dt.datetime, dt.datetime] | None:
    """The check-in window of a service time, or None when the order has no service time."""
    if wanted_from is None:
        return None
    before, after = checkin_window()
    end = wanted_to if wanted_to is not None and wanted_to > wanted_from else wanted_from
    return wanted_from + dt.timedelta(minutes=before), end + dt.timedelta(minutes=after)


def local_text(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def slot_text(wanted_from: dt.datetime, wanted_to: dt.datetime | None) -> str:
    """"2026-12-04 08:00–12:00": the service time as the order page shows it."""
    start = timezone.localtime(wanted_from)
    if wanted_to is None or wanted_to <= wanted_from:
        return f"{start:%Y-%m-%d %H:%M}"
    end = timezone.localtime(wanted_to)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}" if end.date() == start.date() else f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(a)))


HALF = Decimal("0.5")


def round_half_hour(hours: Decimal) -> Decimal:
    """Hours to the nearest half hour; any attended time gives at least half an hour."""
    if hours <= 0:
        return Decimal("0")
    rounded = (hours / HALF).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * HALF
    return max(rounded, HALF).quantize(Decimal("0.1"))


@dataclass
class Attended:
    """One volunteer's attendance on an order: every session, the time in them and what the report may credit."""

    volunteer_id: int
    name: str
    sessions: list[tuple[int, dt.datetime, dt.datetime | None]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.seconds) / Decimal(3600)).quantize(Decimal("0.01"))

    @property
    def suggested(self) -> Decimal:
        return round_half_hour(self.hours)

    @property
    def limit(self) -> Decimal:
        return (self.hours + hours_tolerance()).quantize(Decimal("0.01")) if self.seconds > 0 else Decimal("0")

    @property
    def minutes(self) -> int:
        return int(self.seconds // 60)


def attendance_of(order: Any, *, now: dt.datetime | None = None) -> dict[int, Attended]:
    """Volunteer id → attendance on this order, in one query. A session still open counts until `now`."""
    from civicloop.orders.models import OrderAttendance

    now = now or timezone.now()
    found: dict[int, Attended] = {}
    rows = (
        OrderAttendance.objects.filter(order_id=order.pk)
        .order_by("session", "pk")
        .values_list("volunteer_id", "volunteer__user__full_name", "volunteer__user__username", "session",
                     "checked_in_at", "checked_out_at")
    )
    for vid, full_name, username, session, t_in, t_out in rows:
        a = found.setdefault(vid, Attended(vid, full_name or username))
        a.sessions.append((session, t_in, t_out))
        a.seconds += max(0.0, ((t_out or now) - t_in).total_seconds())
    return found
