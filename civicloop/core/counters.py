"""Counter sources: what each app adds to the figures' daily counters (DESIGN §7, apps register themselves).

An app whose rows feed the figures declares them in `<app>/counters.py`::

    SOURCES = (CounterSource("order", values=order_values, contribution=order_contribution, rows=order_rows),)

and `CivicApp.ready` registers them. `values(obj)` reads what a row's contribution depends on, `contribution`
(pure) turns those values into amounts per counter key (metric, unit path, day, dimension), and `rows()` yields
the same values for every stored row, for the full recount. The services that change a row keep the counters
with `track(source, obj)`, `counters_follow` or `counters_add_row`; the recount streams `rows()` through the
same `contribution`, so the two can only disagree if a service forgot to track.

The counters themselves (the delta table, the fold, the recount) belong to stats, which registers the writer
when it starts (`register_writer`), so an app low in the layers (people) can count without importing stats.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

Key = tuple[str, str, dt.date, str]  # metric, unit_path, day, dim
Contribution = Counter

# Minutes: the buckets for "time to claim" and "time to complete" (medians are read from these histograms).
BUCKETS = (30, 60, 120, 240, 480, 1440, 2880, 10080, 43200)


def bucket(minutes: float) -> str:
    for edge in BUCKETS:
        if minutes <= edge:
            return f"{edge:05d}"
    return "99999"


def day(value: dt.datetime | dt.date | None) -> dt.date | None:
    """The local day of a time (a date stays itself): counters are kept per day in the platform's time zone."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


@dataclass(frozen=True)
class CounterSource:
    name: str  # what services pass to `track(name, obj)`
    values: Callable[[Any], dict[str, Any]]  # one row's values (may read a related table)
    contribution: Callable[[dict[str, Any]], Contribution]  # pure: values -> amounts per Key
    rows: Callable[[], Iterable[Mapping[str, Any]]]  # every stored row's values, streamed, for the recount


SOURCES: dict[str, CounterSource] = {}


def register_counter_sources(*sources: CounterSource) -> None:
    for source in sources:
        if SOURCES.get(source.name, source) != source:
            raise ValueError(f"counter source {source.name!r} is registered twice")
        SOURCES[source.name] = source


Writer = Callable[[Contribution], None]
_WRITER: list[Writer] = []


def register_writer(writer: Writer) -> None:
    _WRITER[:] = [writer]


_pending = threading.local()  # the deltas of the batch open on this thread, if any


def counters_write(delta: Contribution) -> None:
    """Add a contribution to the counters (also an already computed one, e.g. a bulk credit of several
    volunteers)."""
    if not _WRITER:
        raise RuntimeError("no counter writer registered: civicloop.stats is not installed")
    batch = getattr(_pending, "delta", None)
    if batch is not None:
        batch.update(delta)
        return
    _WRITER[0](delta)


@contextmanager
def counters_batch() -> Iterator[None]:
    """Inside a use case's transaction: the deltas its steps write are added up and written once, at the end of
    the block (verify moves the order and credits the hours, one statement for both). An error drops them with
    the transaction; a batch inside a batch joins it."""
    if getattr(_pending, "delta", None) is not None:
        yield
        return
    delta: Contribution = Counter()
    _pending.delta = delta
    try:
        yield
    finally:
        _pending.delta = None
    delta = Counter({key: amount for key, amount in delta.items() if amount})  # drop changes that cancelled out
    if delta:
        counters_write(delta)


def _diff(before: Contribution, after: Contribution) -> Contribution:
    delta: Contribution = Counter()
    for key in set(before) | set(after):
        change = after.get(key, 0) - before.get(key, 0)
        if change:
            delta[key] = change
    return delta


def contribution_of(source: str, obj: Any) -> Contribution:
    counted = SOURCES[source]
    return counted.contribution(counted.values(obj))


def counters_follow(source: str, obj: Any, before: Contribution) -> None:
    """After a change of `obj`: move the counters by the difference from its contribution `before` the change."""
    counters_write(_diff(before, contribution_of(source, obj)))


@contextmanager
def track(source: str, obj: Any) -> Iterator[None]:
    """Around a change of `obj` (whose in-memory values are still the stored ones): counters follow it."""
    before = contribution_of(source, obj) if getattr(obj, "pk", None) else Counter()
    yield
    counters_follow(source, obj, before)


def counters_add_row(source: str, obj: Any) -> None:
    """For a newly written row (append-only ledgers, new orders, answers)."""
    counters_write(contribution_of(source, obj))
