"""Pre-aggregated daily counters, so dashboards stay fast on a province-sized tree.

A row holds one number for one unit's whole subtree, one day, one metric and one dimension value (e.g. orders
collected on 2019-04-21 under 昆河镇 in the `health` platform): every amount is added at its own unit and at each
unit above it. Rows are sparse: only non-zero combinations exist. A subtree and a period is one index range scan
on (unit_path, day) — as many rows for the province's root as for a station. The services that change the data
maintain them (see civicloop/stats/services.py); `manage.py stats_counters --check` proves they equal a recount.

Writes never update a shared row: each change appends its rolled-up amounts to `CounterDelta` (insert-only, so
simultaneous claims in one district do not queue on the district root's rows), and the periodic
`counters_fold` job moves them into `DailyCount`. Readers use `Counter`, a view over both tables (the folded
rows plus the not-yet-folded tail, in one statement, so a fold running at the same time is never seen half).
"""

from __future__ import annotations

from django.db import models

from civicloop.core.fields import PathField


class DailyCount(models.Model):
    metric = models.CharField(max_length=32)
    unit_path = PathField(max_length=255)
    day = models.DateField()
    dim = models.CharField(max_length=32, blank=True, default="")
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metric", "unit_path", "day", "dim"], name="dailycount_key"),
        ]
        indexes = [models.Index(fields=["unit_path", "day"], name="dailycount_unit_day")]

    def __str__(self) -> str:
        return f"{self.metric}[{self.dim}] {self.unit_path} {self.day}: {self.value}"


class CounterDelta(models.Model):
    """An amount added to one counter by one change, not yet folded into `DailyCount` (insert-only)."""

    metric = models.CharField(max_length=32)
    unit_path = PathField(max_length=255)
    day = models.DateField()
    dim = models.CharField(max_length=32, blank=True, default="")
    value = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["unit_path", "day"], name="counterdelta_unit_day")]

    def __str__(self) -> str:
        return f"+{self.value} {self.metric}[{self.dim}] {self.unit_path} {self.day}"


class Counter(models.Model):
    """Read-only: `DailyCount` rows and `CounterDelta` rows together (the `stats_counter` view). Several rows may
    share a key, so read it with Sum("value")."""

    metric = models.CharField(max_length=32)
    unit_path = PathField(max_length=255)
    day = models.DateField()
    dim = models.CharField(max_length=32, blank=True, default="")
    value = models.BigIntegerField(default=0)

    class Meta:
        managed = False
        db_table = "stats_counter"

    def __str__(self) -> str:
        return f"{self.metric}[{self.dim}] {self.unit_path} {self.day}: {self.value}"
