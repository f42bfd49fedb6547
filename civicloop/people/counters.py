"""What volunteers and teams add to the figures' counters (registered by CivicApp.ready; see
civicloop/core/counters.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from civicloop.core.counters import Contribution, CounterSource, day
from civicloop.people.models import Team, Volunteer

_FIELDS = ("unit_path", "created_at", "is_active")


def member_values(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _FIELDS}


def volunteer_contribution(v: dict[str, Any]) -> Contribution:
    # Registered volunteers: the day they joined; "registered by date X" is the sum of every day up to X.
    return (
        Counter({("volunteers", v["unit_path"], day(v["created_at"]), ""): 1})
        if v["is_active"]
        else Counter()
    )


def team_contribution(v: dict[str, Any]) -> Contribution:
    return Counter({("teams", v["unit_path"], day(v["created_at"]), ""): 1}) if v["is_active"] else Counter()


def volunteer_rows() -> Iterator[Mapping[str, Any]]:
    yield from Volunteer.objects.values(*_FIELDS).iterator(chunk_size=5000)


def team_rows() -> Iterator[Mapping[str, Any]]:
    yield from Team.objects.values(*_FIELDS).iterator(chunk_size=5000)


SOURCES = (
    CounterSource(
        "volunteer", values=member_values, contribution=volunteer_contribution, rows=volunteer_rows
    ),
    CounterSource("team", values=member_values, contribution=team_contribution, rows=team_rows),
)
