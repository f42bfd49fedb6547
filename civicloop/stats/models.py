"""Pre-aggregated daily counters, so dashboards stay fast on a province-sized tree.

A row holds one number for one unit's whole subtree, one day, one metric and one dimension value (e.g. orders
collected on 2019-04-21 under 昆河镇 in the `health` platform): every amount is added at its own unit and at each
unit above it. Rows are sparse: only non-zero combinations exist. A subtree and a period is one index range scan
on (unit_path, day) — as many rows for the province's root as for a station. The services that change the data
maintain them (see civicloop/stats/services.py); `manage.py stats_counters --check` proves they equal a recount.
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
