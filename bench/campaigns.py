"""Campaign supervision (创城) at city scale: ≥ 300,000 problems over a quarter, the city-wide 考核 ranking and a
district's problem list, each measured against a raw recount in the same run.

`build` writes the problems and their events in bulk with `civicloop.campaigns.bulk.make_problems` (the same
histories the demo uses: every state, reworks, extensions, escalations, recurrences) and rebuilds the per-unit
day counters from a recount. `measure` times

- the ranking the 考核 page reads for the whole city (the root's 250 institutes: counters summed per path)
  against `figures.recount` over the same institutes (counting events, problems, tasks and visits directly),
  and checks both give the same numbers for every institute;
- a district's problem list as the page reads it (a count and the first page of 50, newest first, through the
  access policy) against a raw count of the district's problems by scanning the campaign's rows in Python.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Callable
from typing import Any

QUICK = os.environ.get("BENCH_QUICK") == "1"
PROBLEMS = int(os.environ.get("BENCH_CAMPAIGN_PROBLEMS", "20000" if QUICK else "300000"))


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


def _row(label: str, fast: list[float], slow: list[float], agree: bool, **extra: Any) -> dict[str, Any]:
    return {
        "read": label,
        **extra,
        "p50_ms": round(_pct(fast, 50), 1),
        "p95_ms": round(_pct(fast, 95), 1),
        "raw_p50_ms": round(_pct(slow, 50), 1),
        "raw_p95_ms": round(_pct(slow, 95), 1),
        "speedup_p95": round(_pct(slow, 95) / max(_pct(fast, 95), 0.001), 1),
        "agree": agree,
    }


def bench(province: Any, rng: random.Random, log: Callable[[str], None]) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from civicloop.campaigns import bulk, figures, services
    from civicloop.network.models import Membership, Unit
    from civicloop.people.services import user_create

    root = Unit.objects.get(pk=province.root.pk)
    office = user_create(username="bench-campaign-office", password="Qx7-wind-lantern-42", full_name="创城办")
    Membership.objects.create(user=office, unit=root, role="staff")
    campaign = services.campaign_create(actor=office, year=timezone.localdate().year, name="基准创城",
                                        goal="", command_unit=root, actions=["“九乱”治理行动"])
    stations = list(Unit.objects.filter(depth=3, path__startswith=root.path).order_by("path"))
    now = timezone.now()
    start = now - dt.timedelta(days=91)
    log(f"campaigns: adding {PROBLEMS:,} problems over a quarter at {len(stations):,} stations")
    t0 = time.time()
    with transaction.atomic():
        bulk.make_problems(campaign=campaign, units=stations, inspector=office, rectifier=office, n=PROBLEMS,
                           start=start, days=91, now=now, rng=rng, rebuild=False)
    built = time.time() - t0
    t1 = time.time()
    with transaction.atomic():
        cells = figures.rebuild(campaign)
    rebuilt = time.time() - t1
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    from civicloop.campaigns.models import ProblemEvent

    events = ProblemEvent.objects.filter(subject__campaign=campaign).count()
    log(f"  built in {built:.0f} s ({events:,} events), counters rebuilt in {rebuilt:.0f} s ({cells:,} rows)")
    out = measure(campaign, root, office, start, now, log)
    return {"problems": PROBLEMS, "events": events, "stations": len(stations), "build_s": round(built),
            "rebuild_s": round(rebuilt), "counter_rows": cells, "in_process": out}


def measure(campaign: Any, root: Any, office: Any, start: dt.datetime, now: dt.datetime,
            log: Callable[[str], None]) -> list[dict[str, Any]]:
    from django.utils import timezone

    from civicloop.campaigns import figures, selectors
    from civicloop.campaigns.models import Problem

    s, e = timezone.localdate(start), timezone.localdate(now)
    institutes = selectors.ranked_units(root, campaign)
    paths = [u.path for u in institutes]

    def ranking() -> Any:
        return selectors.ranking(campaign, root, s, e)

    def recount() -> Any:
        return figures.recount(campaign, paths, s, e)

    ranking()
    fast, rows = _timed(ranking, 10 if QUICK else 30)
    slow, counted = _timed(recount, 1 if not QUICK else 2)
    agree = all(r["counts"] == counted[r["unit"].path] for r in rows)
    out = [_row("city ranking", fast, slow, agree, scope=root.name, units=len(rows))]

    district = institutes[0]

    def problem_page() -> Any:
        qs = selectors.problem_list(office, campaign, unit=district)
        return qs.count(), [p.pk for p in qs[:50]]

    def raw_list() -> Any:
        found = [
            (created, pk)
            for pk, path, created in Problem.objects.filter(campaign=campaign).values_list(
                "pk", "unit_path", "created_at").iterator(chunk_size=20000)
            if path.startswith(district.path)
        ]
        found.sort(reverse=True)
        return len(found), [pk for _c, pk in found[:50]]

    problem_page()
    fast, page = _timed(problem_page, 10 if QUICK else 30)
    slow, raw = _timed(raw_list, 2 if QUICK else 3)
    out.append(_row("district problem list", fast, slow, page == raw, scope=district.name, problems=page[0]))
    log(f"  {out}")
    return out


def markdown(res: dict[str, Any]) -> list[str]:
    c = res.get("campaigns")
    if not c:
        return []
    lines = [
        "",
        f"**Campaign supervision (创城)** ({c['problems']:,} problems, {c['events']:,} events over a quarter at "
        f"{c['stations']:,} stations; counters rebuilt in {c['rebuild_s']} s into {c['counter_rows']:,} rows) vs a "
        "raw recount in the same run:",
        "",
        "| read | scope | p50 ms | p95 ms | raw p50 ms | raw p95 ms | speed-up p95 | same figures |",
        "|---|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in c["in_process"]:
        extra = f"{r.get('units', '')} units" if "units" in r else f"{r.get('problems', 0):,} problems"
        lines.append(
            f"| {r['read']} | {r['scope']} ({extra}) | {r['p50_ms']} | {r['p95_ms']} | {r['raw_p50_ms']} | "
            f"{r['raw_p95_ms']} | {r['speedup_p95']}× | {'✅' if r['agree'] else '❌'} |"
        )
    if c.get("remeasured"):
        r = c["remeasured"]
        lines += ["", f"(Reads re-measured at {r['at']} on the same data after adding indexes; before: {r['before']}.)"]
    return lines


def remeasure() -> None:
    """`python -m bench.run --campaigns-remeasure`: migrate the database the last campaigns run left in place
    (new indexes) and measure the reads again; the build figures stay as measured."""
    import json

    from bench import run

    os.environ["DJANGO_SETTINGS_MODULE"] = "civicloop.settings_bench"
    os.environ["CIVICLOOP_VAR_DIR"] = str(run.VAR)
    backend = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from civicloop.campaigns.models import Campaign, Problem
    from civicloop.people.models import User

    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    campaign = Campaign.objects.select_related("command_unit").get(name="基准创城")
    office = User.objects.get(username="bench-campaign-office")
    first = Problem.objects.filter(campaign=campaign).order_by("created_at").values_list("created_at", flat=True)[0]
    now = timezone.now()
    rows = measure(campaign, campaign.command_unit, office, min(first, now - dt.timedelta(days=91)), now, run.log)
    stem = f"{dt.date.today().isoformat()}-{backend}{'-quick' if QUICK else ''}-campaigns"
    path = run.RESULTS / f"{stem}.json"
    res = json.loads(path.read_text())
    before = res["campaigns"]["in_process"]
    res["campaigns"]["in_process"] = rows
    res["campaigns"]["remeasured"] = {
        "at": time.strftime("%H:%M"),
        "before": {r["read"]: {"p50_ms": r["p50_ms"], "p95_ms": r["p95_ms"]} for r in before},
    }
    path.write_text(json.dumps(res, ensure_ascii=False, indent=2))
    _write_md(res, run.RESULTS / f"{stem}.md")


def _write_md(res: dict[str, Any], path: Any) -> None:
    md = "\n".join([f"# Campaigns cell, {res['date']}", "", f"Machine: {res['machine']['cpu']}, "
                    f"{res['machine']['cores']} cores, {res['machine']['database']}.", *markdown(res), ""])
    path.write_text(md)
    print(md)


def main() -> None:
    """`python -m bench.run --campaigns-only`: a fresh database with the province's unit tree only, then this
    cell; results in bench/results/<date>-<db>[-quick]-campaigns.json and .md."""
    import json

    from bench import run

    backend = run.prepare_env()
    import django

    django.setup()
    from bench.data import Province

    rng = random.Random(2020)
    started = time.time()
    run.log(f"database: {backend}; quick={QUICK}; campaigns cell only")
    run.reset_database(backend)
    province = Province(rng=rng, institutes=run.SHAPE["institutes"], stations_per=run.SHAPE["stations_per"],
                        log=run.log)
    res = {"date": dt.date.today().isoformat(), "machine": run.machine(backend), "campaigns": bench(province, rng, run.log)}
    res["seconds"] = round(time.time() - started)
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{res['date']}-{backend}{'-quick' if QUICK else ''}-campaigns"
    (run.RESULTS / f"{stem}.json").write_text(json.dumps(res, ensure_ascii=False, indent=2))
    _write_md(res, run.RESULTS / f"{stem}.md")
    run.log(f"done in {res['seconds']} s → bench/results/{stem}.json")
