"""Demo: the other seeders back-date their history with queryset updates (which no service sees), so the
counters are rebuilt from a full recount once every story is written."""

from __future__ import annotations

import datetime as dt
import random

from civicloop.stats.services import counters_rebuild


def seed(*, rng: random.Random, today: dt.date, scale: int) -> None:
    counters_rebuild()
