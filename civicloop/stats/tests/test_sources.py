"""Counter sources are found through the registry: one an app registers is recounted, rebuilt and followed."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from civicloop.core.counters import SOURCES, CounterSource, counters_add_row, day, register_counter_sources
from civicloop.core.workflow import REGISTRY
from civicloop.people import services as people
from civicloop.people.models import Resident
from civicloop.stats.selectors import figures
from civicloop.stats.services import counters_mismatches, counters_rebuild

# A source no app declares: residents by the day they were entered.
RESIDENTS = CounterSource(
    "test_resident",
    values=lambda r: {"unit_path": r.unit_path, "created_at": r.created_at},
    contribution=lambda v: Counter({("test_residents", v["unit_path"], day(v["created_at"]), ""): 1}),
    rows=lambda: Resident.objects.values("unit_path", "created_at").iterator(),
)


def _residents_counted_under(unit) -> int:
    today = timezone.localdate()
    return figures(unit, today, today).total("test_residents")


def test_every_counted_workflow_names_a_registered_source():
    named = {wf.counter_source for wf in REGISTRY.values() if wf.counter_source}
    assert named and named <= set(SOURCES)
    assert {"order", "activity", "record", "survey", "response", "need", "volunteer", "team"} <= set(SOURCES)


def test_a_registered_source_is_recounted_rebuilt_and_followed(personas):
    assert counters_mismatches() == []
    residents = Resident.objects.filter(unit_path__startswith=personas.root.path).count()
    assert residents >= 1
    register_counter_sources(RESIDENTS)
    try:
        # The recount reads the new source's rows; nothing stored them yet.
        missing = counters_mismatches(limit=1000)
        assert {key[0] for key, _stored, _fresh in missing} == {"test_residents", "test_residents/m"}
        assert all(stored == 0 for _key, stored, _fresh in missing)
        assert _residents_counted_under(personas.root) == 0

        counters_rebuild()
        assert counters_mismatches() == []
        assert _residents_counted_under(personas.root) == residents
        assert (
            _residents_counted_under(personas.station)
            == Resident.objects.filter(unit_path__startswith=personas.station.path).count()
        )

        # A service that writes a new row keeps the counters through the same registry.
        resident = people.resident_enter(
            entered_by=personas.station_staff, name="李大爷", unit=personas.station
        )
        assert counters_mismatches() != []  # the service does not count this source itself
        counters_add_row(RESIDENTS.name, resident)
        assert counters_mismatches() == []
        assert _residents_counted_under(personas.root) == residents + 1
    finally:
        SOURCES.pop(RESIDENTS.name)
    assert counters_mismatches() != []  # unregistered: its stored rows are no longer recounted


def test_a_name_is_registered_once():
    with pytest.raises(ValueError):
        register_counter_sources(CounterSource("order", values=dict, contribution=Counter, rows=list))
