"""A plain latitude/longitude grid (no PostGIS, no native extension): integer cells about 2 km square.

`cell_of(lat, lng)` gives the cell id; `ring_cells(lat, lng, r_from, r_to)` the cells whose Chebyshev distance
from the place's cell lies in [r_from, r_to], so a search can widen ring by ring.
"""

from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone

from civicloop.core.choices import DAY_PARTS, WEEKDAYS

DLAT = 0.02  # ≈ 2.2 km
DLNG = 0.025  # ≈ 2.1 km at 40° N
COLS = 20_000
EARTH_KM = 6371.0088


def _iy(lat: float) -> int:
    return math.floor((lat + 90.0) / DLAT)


def _ix(lng: float) -> int:
    return math.floor((lng + 180.0) / DLNG)


def cell_of(lat: float, lng: float) -> int:
    return _iy(lat) * COLS + _ix(lng)


def ring_cells(lat: float, lng: float, r_from: int, r_to: int) -> list[int]:
    cy, cx = _iy(lat), _ix(lng)
    cells = []
    for dy in range(-r_to, r_to + 1):
        for dx in range(-r_to, r_to + 1):
            if max(abs(dy), abs(dx)) >= r_from:
                cells.append((cy + dy) * COLS + (cx + dx))
    return cells


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


# --- weekly availability as a 21-bit mask ----------------------------------------------------------------


def slot_bit(day: str, part: str) -> int:
    return 1 << (WEEKDAYS.index(day) * len(DAY_PARTS) + DAY_PARTS.index(part))


def availability_mask(availability: dict | None) -> int:
    mask = 0
    for day, parts in (availability or {}).items():
        if day not in WEEKDAYS or not isinstance(parts, list):
            continue
        for part in parts:
            if part in DAY_PARTS:
                mask |= slot_bit(day, part)
    return mask


def _part_of(hour: int) -> str | None:
    if 6 <= hour < 12:
        return "am"
    if 12 <= hour < 18:
        return "pm"
    if 18 <= hour < 22:
        return "eve"
    return None


def window_mask(start: dt.datetime | None, end: dt.datetime | None) -> int:
    """Slots a wanted window touches (local time, at most one week); 0 when no window was given."""
    if start is None:
        return 0
    start = timezone.localtime(start)
    end = timezone.localtime(end) if end is not None and end > start else start + dt.timedelta(hours=1)
    end = min(end, start + dt.timedelta(days=7))
    mask, t = 0, start.replace(minute=0, second=0, microsecond=0)
    while t < end:
        part = _part_of(t.hour)
        if part:
            mask |= slot_bit(WEEKDAYS[t.weekday()], part)
        t += dt.timedelta(hours=1)
    return mask


def ring_ranges(lat: float, lng: float, r_from: int, r_to: int) -> list[tuple[int, int]]:
    """The same cells as `ring_cells`, as (low, high) id ranges: one or two per grid row."""
    cy, cx = _iy(lat), _ix(lng)
    out = []
    for dy in range(-r_to, r_to + 1):
        row = (cy + dy) * COLS
        if abs(dy) >= r_from:
            out.append((row + cx - r_to, row + cx + r_to))
        else:
            out.append((row + cx - r_to, row + cx - r_from))
            out.append((row + cx + r_from, row + cx + r_to))
    return out
