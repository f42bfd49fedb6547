"""The daily counters equal a full recount after random sequences of real actions across the apps."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from civicloop.activities import services as activities
from civicloop.needs import services as needs
from civicloop.orders import services as orders
from civicloop.orders.models import Order
from civicloop.orders.tests.factories import walk
from civicloop.records import services as records
from civicloop.records.models import ServiceRecord
from civicloop.stats.models import CounterDelta, DailyCount
from civicloop.stats.selectors import figures
from civicloop.stats.services import counters_fold, counters_mismatches, counters_rebuild

STATES = (
    "submitted",
    "open",
    "dispatched",
    "accepted",
    "in_service",
    "served",
    "closed",
    "rejected",
    "cancelled",
)


def _random_history(p, rng: random.Random) -> None:
    made = [walk(p, rng.choice(STATES), category=rng.choice(["health", "lecture"])) for _ in range(8)]
    for order in made:
        order.refresh_from_db()
        roll = rng.random()
        if order.status in ("served", "closed") and roll < 0.6:
            orders.order_rate(actor=p.resident, order=order, score=rng.randint(1, 5))
        if order.status == "submitted" and roll < 0.5:
            orders.order_reroute(actor=p.institute_staff, order=order, unit=p.station_b, reason="属地调整")
        if order.status == "served" and roll > 0.5:
            orders.order_return(actor=p.station_staff, order=order, reason="补充照片")
    reversed_ids = ServiceRecord.objects.filter(reverses__isnull=False).values("reverses_id")
    unreversed = ServiceRecord.objects.filter(reverses__isnull=True).exclude(pk__in=reversed_ids)
    for record in unreversed.order_by("pk")[: rng.randint(0, 2)]:
        records.record_reverse(record=record, reason="重复登记", created_by=p.station_staff)
    now = timezone.now()
    activity = activities.activity_create(
        unit=p.station,
        actor=p.station_staff,
        category="culture",
        title="社区书法课",
        place="活动室",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
        roles=[("志愿者", 5)],
    )
    activities.activity_publish(activity=activity, actor=p.station_staff)
    activities.activity_close(
        activity=activity, actor=p.station_staff, people_served=rng.randint(10, 80), summary="顺利"
    )
    rnd = needs.round_open(
        unit=p.station,
        actor=p.station_staff,
        title="年度需求征集",
        starts_on=timezone.localdate() - dt.timedelta(days=30),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        target_groups=["empty_nest_elderly"],
    )
    need = needs.need_record(
        round=rnd,
        actor=p.station_staff,
        unit=p.station,
        category="health",
        focus_group="empty_nest_elderly",
        description="希望定期上门体检",
    )
    needs.need_update(
        need=need,
        actor=p.station_staff,
        category="health",
        focus_group="empty_nest_elderly",
        description="希望定期上门体检",
        status="unmet",
        unmet_reason="暂无医生志愿者",
    )
    needs.round_close(round=rnd, actor=p.station_staff)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counters_equal_a_full_recount_after_random_actions(personas, seed):
    """Exact at every moment: with every delta still unfolded, after a partial fold, after a full fold, and
    after more actions on top of folded rows."""
    rng = random.Random(seed)
    personas.team.capacity = 1000  # two rounds of history
    personas.team.save()
    _random_history(personas, rng)
    assert CounterDelta.objects.exists() and not DailyCount.objects.exists()  # writes only append
    assert counters_mismatches() == []
    pending = CounterDelta.objects.count()
    part = rng.randint(1, pending - 1)
    assert counters_fold(limit=part) == part
    assert CounterDelta.objects.count() == pending - part
    assert counters_mismatches() == []
    counters_fold()
    assert not CounterDelta.objects.exists() and DailyCount.objects.exists()
    assert counters_mismatches() == []
    _random_history(personas, rng)
    assert counters_mismatches() == []
    counters_fold(limit=rng.randint(1, 50))
    assert counters_mismatches() == []


def test_figures_match_the_raw_tables(personas):
    _random_history(personas, random.Random(7))
    today = timezone.localdate()
    f = figures(personas.root, today.replace(month=1, day=1), today.replace(month=12, day=31))
    assert f.orders == Order.objects.count()
    assert f.orders_closed == Order.objects.filter(status="closed").count()
    assert f.hours == sum((r.hours for r in ServiceRecord.objects.all()), Decimal(0))
    assert f.activities == 1
    assert f.needs_unmet == 1  # its copy carried into the next round starts open
    station_b = figures(personas.station_b, today.replace(month=1, day=1), today.replace(month=12, day=31))
    assert station_b.orders == Order.objects.filter(unit=personas.station_b).count()


def test_check_command_fails_when_counters_drift_and_rebuild_repairs(personas):
    _random_history(personas, random.Random(4))
    counters_fold()
    call_command("stats_counters")  # equal: no error
    DailyCount.objects.filter(metric="orders").update(value=999)
    with pytest.raises(Exception, match="counters differ"):
        call_command("stats_counters")
    counters_rebuild()
    assert counters_mismatches() == []


def test_month_totals_and_daily_rows_give_the_same_tables(personas):
    """Whole-month periods read the month-grain totals; any other period sums the daily rows: same answers."""
    from civicloop.stats.selectors import by_child, by_month

    _random_history(personas, random.Random(5))
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    metrics = ("orders", "hours", "activities", "served")
    whole = by_child(personas.institute, first, last, metrics)
    daily = by_child(personas.institute, first - dt.timedelta(days=1), last, metrics)  # not whole months
    assert [(r["unit"].pk, [r[m] for m in metrics]) for r in whole] == [
        (r["unit"].pk, [r[m] for m in metrics]) for r in daily
    ]
    assert (
        sum(r["orders"] for r in whole)
        == Order.objects.filter(unit__path__startswith=personas.institute.path).count()
    )
    assert by_month(personas.root, first, last, metrics)["orders"] == {first: Order.objects.count()}


def test_a_claim_appends_deltas_and_updates_no_counter_row(personas):
    """No hot row: a move only inserts deltas; the district root's folded rows are not touched until the fold."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order = walk(personas, "open")
    counters_fold()
    root_rows = dict(DailyCount.objects.filter(unit_path=personas.root.path).values_list("pk", "value"))
    with CaptureQueriesContext(connection) as ctx:
        orders.order_claim(actor=personas.leader, order=order, team=personas.team)
    assert not [q for q in ctx.captured_queries if "stats_dailycount" in q["sql"]]
    assert dict(DailyCount.objects.filter(unit_path=personas.root.path).values_list("pk", "value")) == root_rows
    assert CounterDelta.objects.filter(unit_path=personas.root.path).exists()
    assert counters_mismatches() == []


def test_verify_writes_the_orders_and_the_hours_figures_as_one_batch(personas):
    """Verify closes the order and credits hours; both sets of deltas go in one INSERT and still equal a recount."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order = walk(personas, "served")
    last = CounterDelta.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with CaptureQueriesContext(connection) as ctx:
        orders.order_verify(actor=personas.station_staff, order=order)
    # PostgreSQL sends the rows as arrays (UNNEST), SQLite as VALUES: count statements, read the rows back.
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "stats_counterdelta"')]
    assert len(inserts) == 1
    written = set(CounterDelta.objects.filter(pk__gt=last).values_list("metric", flat=True))
    assert {"hours", "orders_closed"} <= written
    assert counters_mismatches() == []


def test_a_batch_that_fails_writes_no_delta(personas):
    from django.db import transaction

    from civicloop.core.counters import counters_batch, counters_write

    before = CounterDelta.objects.count()
    key = ("orders", personas.root.path, timezone.localdate(), "health")
    with pytest.raises(RuntimeError), transaction.atomic(), counters_batch():
        counters_write({key: 1})  # type: ignore[arg-type]
        with counters_batch():  # joins the outer batch
            counters_write({key: 2})  # type: ignore[arg-type]
        assert CounterDelta.objects.count() == before  # nothing written until the batch ends
        raise RuntimeError("the use case fails")
    assert CounterDelta.objects.count() == before
    with transaction.atomic(), counters_batch():
        counters_write({key: 1})  # type: ignore[arg-type]
        counters_write({key: -1})  # type: ignore[arg-type]
    assert CounterDelta.objects.count() == before  # changes that cancel write nothing
