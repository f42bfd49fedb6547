"""`make bench CLUSTER=1`: the HTTP bench against the running `make cluster`, one app server vs. two behind haproxy.

The same requests, the same number of clients, twice: straight at app server 1 (still on pgbouncer, Redis and
the replica), then through haproxy across both app servers. Endpoints: submit an order and the hall (API,
bearer tokens), the public page (anonymous; replica and Redis-cached figures) and the staff dashboard. Writes
bench/results/<date>-cluster.md and .json next to the single-node results.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drill import DIR, ROOT, fixtures, log, setup_django

CLIENTS = int(os.environ.get("BENCH_CLUSTER_CLIENTS", 16))
EACH = int(os.environ.get("BENCH_CLUSTER_EACH", 25))
TARGETS = {"one app server": 18001, "two app servers behind haproxy": 18000}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 1) if values else float("nan")


def run(port: int, requests: list[list[tuple[str, str, bytes, dict[str, str]]]]) -> dict[str, Any]:
    times: list[float] = []
    codes: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(requests))

    def client(jobs: list[tuple[str, str, bytes, dict[str, str]]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        for method, path, body, headers in jobs:
            t = time.perf_counter()
            try:
                conn.request(method, path, body or None, headers)
                response = conn.getresponse()
                response.read()
                code = str(response.status)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                code = "error"
            with lock:
                times.append(time.perf_counter() - t)
                codes[code] = codes.get(code, 0) + 1

    threads = [threading.Thread(target=client, args=(jobs,)) for jobs in requests]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"rps": round(len(times) / wall, 1), "p50_ms": pct(times, 0.5), "p99_ms": pct(times, 0.99),
            "codes": codes}  # fmt: skip


def main() -> int:
    setup_django()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    from civicloop.network.models import Membership
    from civicloop.people.models import User

    fx = fixtures(submitters=CLIENTS, claimers=CLIENTS, open_orders=1)
    office = Membership.objects.filter(role="staff", unit__depth=1).select_related("user").first()
    session = None
    if office is not None:
        store = SessionStore()
        user: User = office.user
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "civicloop.people.backends.UsernameOrPhoneBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        session = store.session_key
    connections.close_all()
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    submit = json.dumps({"category": "health", "title": "基准点单", "wanted_from": f"{tomorrow}T09:00:00+08:00",
                         "wanted_to": f"{tomorrow}T11:00:00+08:00"}).encode()  # fmt: skip

    def api(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Host": "127.0.0.1"}

    residents = (fx["residents"] * CLIENTS)[:CLIENTS]
    leaders = (fx["leaders"] * CLIENTS)[:CLIENTS]
    suites = {
        "submit (API)": [[("POST", "/api/orders/", submit, api(t))] * EACH for t in residents],
        "hall (API)": [[("GET", "/api/orders/hall", b"", api(t))] * EACH for t in leaders],
        "public page (replica, cached)": [[("GET", "/stats/public/", b"", {"Host": "127.0.0.1"})] * EACH]
        * CLIENTS,
    }
    if session:
        cookie = {"Cookie": f"sessionid={session}", "Host": "127.0.0.1"}
        suites["dashboard (replica, cached)"] = [[("GET", "/stats/", b"", cookie)] * EACH] * CLIENTS
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "clients": CLIENTS,
        "each": EACH,
        "rows": [],
    }
    for target, port in TARGETS.items():
        for name, requests in suites.items():
            run(port, [jobs[:2] for jobs in requests])  # warm up
            row = {"target": target, "endpoint": name, **run(port, requests)}
            log(f"{target:32} {name:32} {row['rps']:7} req/s  p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms")
            results["rows"].append(row)
    results["load_after"] = [round(x, 1) for x in os.getloadavg()]
    out = ROOT / "bench" / "results"
    stem = f"{results['date']}-cluster"
    (out / f"{stem}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    lines = [
        f"### Cluster benchmark {results['date']} — `make bench CLUSTER=1`",
        "",
        f"`make cluster` on this machine (2 cores): PostgreSQL primary + streaming replica, pgbouncer (transaction "
        f"mode), Redis, gunicorn app servers (2 workers × 4 threads each), haproxy. {CLIENTS} clients × {EACH} "
        f"requests per endpoint, load generator on the same machine. State: {DIR}. Machine load average "
        f"(1, 5, 15 min) before {results['load_before']}, after {results['load_after']} — anything above 2 "
        f"means other work shared the two cores and the figures are lower bounds.",
        "",
        "| target | endpoint | req/s | p50 ms | p99 ms | HTTP codes |",
        "|---|---|---:|---:|---:|---|",
    ]
    for r in results["rows"]:
        codes = ", ".join(f"{k}×{v}" for k, v in sorted(r["codes"].items()))
        lines.append(
            f"| {r['target']} | {r['endpoint']} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {codes} |"
        )
    (out / f"{stem}.md").write_text("\n".join(lines) + "\n")
    log(f"wrote bench/results/{stem}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
