"""What the hours ledger adds to the figures' counters (registered by CivicApp.ready; see core/counters.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from civicloop.core.counters import Contribution, CounterSource
from civicloop.records.models import ServiceRecord

_FIELDS = ("unit_path", "served_on", "category", "hours")


def record_values(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in _FIELDS}


def record_contribution(v: dict[str, Any]) -> Contribution:
    # Hours are kept in hundredths so every counter stays an integer.
    return Counter(
        {("hours", v["unit_path"], v["served_on"], v["category"] or "-"): int(Decimal(v["hours"]) * 100)}
    )


def record_rows() -> Iterator[Mapping[str, Any]]:
    yield from ServiceRecord.objects.values(*_FIELDS).iterator(chunk_size=5000)


SOURCES = (CounterSource("record", values=record_values, contribution=record_contribution, rows=record_rows),)
