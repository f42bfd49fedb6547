"""Figures other apps add to the stats dashboard (DESIGN §8: apps register themselves). An app registers a
provider in its AppConfig.ready; the dashboard asks every provider for its panel over the unit's subtree and the
period, so stats never imports another app's internals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

Text = str | Promise


@dataclass(frozen=True)
class Panel:
    """A small table: a title, its column headings and rows of cells (text or numbers), and a link to the app's
    own page for more."""

    title: Text
    columns: list[Text]
    rows: list[list[Any]]
    link: str = ""
    note: Text = ""
    numeric: set[int] = field(default_factory=set)  # column indexes shown right-aligned


# (unit, start, end) -> Panel, or None when the app has nothing for this subtree and period
Provider = Callable[[Any, dt.date, dt.date], Panel | None]
PROVIDERS: dict[str, Provider] = {}


def register_figures(key: str, provider: Provider) -> None:
    PROVIDERS[key] = provider


def panels(unit: Any, start: dt.date, end: dt.date) -> list[Panel]:
    found = []
    for key in sorted(PROVIDERS):
        panel = PROVIDERS[key](unit, start, end)
        if panel is not None:
            found.append(panel)
    return found
