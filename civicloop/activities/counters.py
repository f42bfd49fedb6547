"""What activities add to the figures' counters (registered by CivicApp.ready; see civicloop/core/counters.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from civicloop.activities.models import Activity
from civicloop.core.counters import Contribution, CounterSource, day

_FIELDS = ("unit_path", "starts_at", "status", "category", "people_served")


def activity_values(activity: Any) -> dict[str, Any]:
    return {name: getattr(activity, name) for name in _FIELDS}


def activity_contribution(v: dict[str, Any]) -> Contribution:
    c: Contribution = Counter()
    if v["status"] == "closed":
        held = day(v["starts_at"])
        c["activities", v["unit_path"], held, v["category"]] += 1
        if v["people_served"]:
            c["served", v["unit_path"], held, "activity"] += int(v["people_served"])
    return c


def activity_rows() -> Iterator[Mapping[str, Any]]:
    yield from Activity.objects.values(*_FIELDS).iterator(chunk_size=5000)


SOURCES = (
    CounterSource("activity", values=activity_values, contribution=activity_contribution, rows=activity_rows),
)
