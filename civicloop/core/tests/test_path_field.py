"""Subtree filters on unit paths: the same rows as a prefix match, answered by an index range on SQLite."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from civicloop.stats.models import DailyCount


def test_startswith_on_a_path_finds_exactly_the_subtree(db):
    day = dt.date(2026, 1, 1)
    for path in ("0001", "00010001", "000100010001", "0002", "00020001", "000A"):
        DailyCount.objects.create(metric="orders", unit_path=path, day=day, dim="", value=1)
    found = set(DailyCount.objects.filter(unit_path__startswith="0001").values_list("unit_path", flat=True))
    assert found == {"0001", "00010001", "000100010001"}
    assert set(
        DailyCount.objects.filter(unit_path__startswith="000A").values_list("unit_path", flat=True)
    ) == {"000A"}


def test_on_sqlite_the_filter_is_a_range_not_like(db):
    sql = str(DailyCount.objects.filter(unit_path__startswith="0001").query)
    if connection.vendor == "sqlite":
        assert "LIKE" not in sql and ">=" in sql
    else:
        assert "LIKE" in sql  # PostgreSQL answers LIKE 'p%' from the index under the C collation
