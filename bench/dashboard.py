"""Dashboard figures at district and province scale: the daily counters against a raw recount, same run.

`build_orders` adds order history in bulk (statuses across the loop, a year of creation times) and the counters
are then rebuilt by the real `counters_rebuild` (the same contribution functions the services use). The
measurement reads a subtree's figures three ways and compares: counters (stats.selectors.figures + by_child +
by_month, what the dashboard page runs), and the raw baseline (`figures_raw` below, counting the
source tables directly). The figures must agree.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

STATES = ["closed"] * 6 + ["submitted", "open", "accepted", "in_service", "served", "cancelled", "rejected"]
PLATFORMS = ["lecture", "education", "science", "culture", "health", "media"]
FOCUS = ["", "", "empty_nest_elderly", "left_behind_child", "hardship"]


def build_orders(province: Any, total: int, rng: random.Random, log: Callable[[str], None]) -> float:
    """Bulk-insert `total` orders spread over the province's stations and the last year. Returns seconds."""
    from django.db import transaction
    from django.utils import timezone

    from bench.data import _manual_times
    from civicloop.orders.models import Order

    started, now = time.time(), timezone.now()
    made, chunk = 0, 5000
    while made < total:
        rows = []
        for _i in range(min(chunk, total - made)):
            made += 1
            st = rng.choice(province.stations)
            created = now - dt.timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            status = rng.choice(STATES)
            rows.append(
                Order(
                    number=f"BD{made:010d}",
                    category=rng.choice(PLATFORMS),
                    focus_group=rng.choice(FOCUS),
                    title="基准统计订单",
                    requester_id=rng.choice(province.residents),
                    unit_id=st[0],
                    unit_path=st[1],
                    status=status,
                    created_at=created,
                    closed_at=created + dt.timedelta(hours=rng.randint(2, 200))
                    if status == "closed"
                    else None,
                )
            )
        with transaction.atomic(), _manual_times(Order):
            Order.objects.bulk_create(rows, batch_size=chunk)
        if made % 100_000 == 0 or made == total:
            log(f"  {made:,} dashboard orders")
    return time.time() - started


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    out, result = [], None
    for _i in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out, result


def figures_raw(unit: Any, start: dt.date, end: dt.date) -> dict[str, int]:
    """The headline figures counted straight from the source tables (the baseline the counters are measured against)."""
    from django.db.models import Count, Q, Sum

    from civicloop.activities.models import Activity
    from civicloop.orders.models import Order

    orders = Order.objects.filter(
        unit_path__startswith=unit.path, created_at__date__gte=start, created_at__date__lte=end
    ).aggregate(n=Count("id"), closed=Count("id", filter=Q(status="closed")))
    activities = Activity.objects.filter(
        unit_path__startswith=unit.path, status="closed", starts_at__date__gte=start, starts_at__date__lte=end
    ).aggregate(n=Count("id"), served=Sum("people_served"))
    return {
        "orders": orders["n"],
        "orders_closed": orders["closed"],
        "activities": activities["n"],
        "activity_served": activities["served"] or 0,
    }


def measure(province: Any, *, repeat: int, raw_repeat: int) -> dict[str, Any]:
    from django.utils import timezone

    from civicloop.network.models import Unit
    from civicloop.orders.models import Order
    from civicloop.stats import selectors

    today = timezone.localdate()
    start, end = today - dt.timedelta(days=365), today
    rows = []
    for label, unit in (
        ("district", province.institutes[0]),
        ("province", Unit.objects.get(pk=province.root.pk)),
    ):

        def dashboard(unit: Any = unit) -> Any:
            f = selectors.figures(unit, start, end)
            selectors.by_child(unit, start, end, ("activities", "served", "hours", "orders", "orders_closed"))
            selectors.by_month(unit, start, end, ("orders", "activities", "hours"))
            return f

        def raw(unit: Any = unit) -> Any:
            return figures_raw(unit, start, end)

        dashboard()  # warm caches once
        fast, figures = _timed(dashboard, repeat)
        slow, counted = _timed(raw, raw_repeat)
        orders_in_scope = Order.objects.filter(unit_path__startswith=unit.path).count()
        rows.append(
            {
                "scope": label,
                "unit": unit.name,
                "orders_in_scope": orders_in_scope,
                "p50_ms": round(_pct(fast, 50), 1),
                "p95_ms": round(_pct(fast, 95), 1),
                "raw_p50_ms": round(_pct(slow, 50), 1),
                "raw_p95_ms": round(_pct(slow, 95), 1),
                "speedup_p95": round(_pct(slow, 95) / max(_pct(fast, 95), 0.001), 1),
                "agree": figures.orders == counted["orders"] and figures.activities == counted["activities"],
            }
        )
    return {"in_process": rows}


def markdown(res: dict[str, Any]) -> list[str]:
    d = res.get("dashboard")
    if not d:
        return []
    lines = [
        "",
        f"**Dashboard** ({d['orders']:,} orders; counters rebuilt in {d['rebuild_s']} s; in process: figures + "
        "by child unit + by month, the page's reads) vs counting the raw tables in the same run:",
        "",
        "| scope | orders in scope | p50 ms | p95 ms | raw p50 ms | raw p95 ms | speed-up p95 | figures agree |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in d["in_process"]:
        lines.append(
            f"| {r['scope']} ({r['unit']}) | {r['orders_in_scope']:,} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['raw_p50_ms']} | {r['raw_p95_ms']} | {r['speedup_p95']}× | {'✅' if r['agree'] else '❌'} |"
        )
    if d.get("remeasured"):
        r = d["remeasured"]
        lines += ["", f"(In-process rows re-measured at {r['at']} on the same data after a change to the selectors; "
                  f"before: {r['before']}.)"]  # fmt: skip
    if d.get("http"):
        h = d["http"]
        lines += ["", f"Dashboard page over HTTP for the province (1 client, {h['requests']} requests): "
                  f"p50 {h['p50_ms']} ms, p95 {h['p95_ms']} ms, codes {h['codes']}."]  # fmt: skip
    return lines
