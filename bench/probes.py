"""Per-request probes for `make bench` (issue #19): statements and commits per HTTP endpoint (in process, on
the bench database), WAL written and flushed per write (PostgreSQL `pg_stat_wal`), lock waits sampled from
`pg_stat_activity` while the write cells run, and the server workers' memory."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
WAL_FIELDS = ("wal_records", "wal_bytes", "wal_write", "wal_sync")


def _postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def wal_snapshot() -> dict[str, int] | None:
    """Cluster-wide WAL counters (PostgreSQL 14+). Other databases on the same server add noise."""
    from django.db import connection

    if not _postgres():
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_force_next_flush()")  # our own backend's pending counts
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(WAL_FIELDS)} FROM pg_stat_wal")
        row = cur.fetchone()
    return dict(zip(WAL_FIELDS, (int(v) for v in row), strict=True))


def wal_delta(before: dict[str, int] | None, after: dict[str, int] | None, n: int) -> dict[str, float] | None:
    if before is None or after is None or n <= 0:
        return None
    return {k: round((after[k] - before[k]) / n, 2) for k in WAL_FIELDS}


def queries_per_request(endpoints: list[tuple[str, str, str, dict[str, Any], str]]) -> dict[str, Any]:
    """Each endpoint once through Django's test client, in process: data statements, commits, WAL per request.

    `endpoints`: (name, method, path, form data, session key). A warm-up request per session first, so the
    figures are a steady-state page view (the session's role note already written)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out: dict[str, Any] = {}
    warmed: set[str] = set()
    for name, method, path, data, session in endpoints:
        if name in out:  # a repeat of a write: keep the smallest WAL figures (other databases only add noise)
            repeat = _one(Client, CaptureQueriesContext, connection, method, path, data, session)
            if out[name]["wal"] and repeat["wal"]:
                out[name]["wal"] = {k: min(v, repeat["wal"][k]) for k, v in out[name]["wal"].items()}
            out[name]["repeats"] = out[name].get("repeats", 1) + 1
            continue
        if session not in warmed:
            warm = Client(HTTP_HOST="127.0.0.1")
            warm.cookies["sessionid"] = session
            warm.get("/bench/floor/1/")
            warmed.add(session)
        out[name] = _one(Client, CaptureQueriesContext, connection, method, path, data, session)
    return out


def _one(client_class: Any, capture: Any, connection: Any, method: str, path: str, data: dict[str, Any],
         session: str) -> dict[str, Any]:  # fmt: skip
    client = client_class(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = session
    before = wal_snapshot() if method == "POST" else None
    with capture(connection) as ctx:
        response = getattr(client, method.lower())(path, data)
    after = wal_snapshot() if method == "POST" else None
    sql = [q["sql"].lstrip().upper() for q in ctx.captured_queries]
    control = [q for q in sql if q.startswith(CONTROL)]
    return {
        "status": response.status_code,
        "statements": len(sql) - len(control),
        "commits": sum(q.startswith("COMMIT") for q in control) if not _postgres() else None,
        "wal": wal_delta(before, after, 1),
    }


class LockSampler:
    """Counts backends waiting on a lock in this database every `every` seconds, in its own thread."""

    def __init__(self, every: float = 0.02) -> None:
        self.every = every
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        from django.db import connection

        try:
            while not self._stop.is_set():
                with connection.cursor() as cur:
                    cur.execute(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                    self.samples.append(int(cur.fetchone()[0]))
                time.sleep(self.every)
        finally:
            connection.close()

    def __enter__(self) -> LockSampler:
        if _postgres():
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def summary(self) -> dict[str, Any] | None:
        if not self.samples:
            return None
        n = len(self.samples)
        return {
            "samples": n,
            "mean_waiting": round(sum(self.samples) / n, 2),
            "max_waiting": max(self.samples),
            "share_with_waits": round(sum(1 for s in self.samples if s) / n, 3),
        }


def worker_memory(master: int) -> list[dict[str, float]]:
    """Peak (VmHWM) and current (VmRSS) resident memory of each server worker, in MB."""
    rows = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master) and "VmHWM" in fields:
            rows.append(
                {
                    "peak_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1),
                    "rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
                }
            )
    return sorted(rows, key=lambda r: r["peak_mb"])
