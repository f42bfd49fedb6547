"""Periodic jobs run once per period however many workers schedule them (civicloop.core.periodic)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from civicloop.core.models import PeriodicRun
from civicloop.core.periodic import periodic_run, periodic_tick, slot_of

RUNS: Counter[str] = Counter()
LOCK = threading.Lock()


def job_often() -> int:
    with LOCK:
        RUNS["often"] += 1
    return 1


def job_minutely() -> int:
    with LOCK:
        RUNS["minutely"] += 1
    return 1


def job_five() -> int:
    with LOCK:
        RUNS["five"] += 1
    return 1


def job_hourly() -> int:
    with LOCK:
        RUNS["hourly"] += 1
    return 1


JOBS = [
    ("civicloop.core.tests.test_periodic.job_often", 10),
    ("civicloop.core.tests.test_periodic.job_minutely", 60),
    ("civicloop.core.tests.test_periodic.job_five", 300),
    ("civicloop.core.tests.test_periodic.job_hourly", 3600),
]
START = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
TICK = 2  # seconds of simulated time between scheduler ticks, as `manage.py worker --tick 2`


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(params=["database", "redis"])
def lock_mode(request: Any, settings: Any) -> str:
    settings.PERIODIC_JOBS = JOBS
    if request.param == "redis":
        if not _redis_available():
            pytest.skip("no Redis on 127.0.0.1:6379")
        import redis

        settings.REDIS_URL = "redis://127.0.0.1:6379/15"
        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter("civicloop:periodic:civicloop.core.tests.*"):
            client.delete(key)
    else:
        settings.REDIS_URL = ""
    RUNS.clear()
    return request.param


@pytest.mark.django_db(transaction=True)
def test_two_workers_over_an_hour_run_each_job_once_per_period(lock_mode: str) -> None:
    ticks = [START + dt.timedelta(seconds=s) for s in range(0, 3600, TICK)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        seen: dict[str, Any] = {}
        try:
            for now in ticks:
                barrier.wait(timeout=30)  # both workers tick at the same simulated moment
                periodic_tick(now=now, worker=name, seen=seen)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors

    assert RUNS == {"often": 360, "minutely": 60, "five": 12, "hourly": 1}
    for job, every in JOBS:
        runs = PeriodicRun.objects.filter(job=job)
        expected = {slot_of(now, every) for now in ticks}
        assert sorted(r.slot for r in runs) == sorted(expected)  # each period once, none missing
        assert all(r.finished_at and r.started_at and not r.error for r in runs)
    assert set(PeriodicRun.objects.values_list("worker", flat=True)) <= {"w1", "w2"}


@pytest.mark.django_db
def test_a_redelivered_period_does_not_run_twice(settings: Any) -> None:
    settings.PERIODIC_JOBS = JOBS[:1]
    settings.REDIS_URL = ""
    RUNS.clear()
    [run] = periodic_tick(now=START, worker="w1")
    assert RUNS["often"] == 1
    assert periodic_run(run_id=run.pk) == "already started"
    assert RUNS["often"] == 1
    assert periodic_tick(now=START + dt.timedelta(seconds=5), worker="w2") == []  # same period, other worker
