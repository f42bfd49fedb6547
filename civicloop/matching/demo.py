"""Demo data for matching: build the grid index and history for the demo teams (called by `seed_demo`)."""

from __future__ import annotations

import datetime as dt
import random


def seed(*, rng: random.Random, today: dt.date, scale: int) -> None:
    from civicloop.matching.services import team_index_refresh

    team_index_refresh()
