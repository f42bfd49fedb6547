"""The background worker: runs queued django-tasks and schedules the periodic jobs (deadlines, ratings, ...).

Periodic jobs are listed in settings.PERIODIC_JOBS as (dotted path, every N seconds). Every worker runs the
scheduler, but each period of each job is claimed once across all of them (civicloop.core.periodic) and then
runs as a django-task — so two or twenty workers run each job once per period.

With REDIS_URL set the queue is RQ on Redis: this process runs an RQ worker (no fork: jobs share the process's
database connections safely) with the scheduler in a thread. Without it the queue is the database backend,
worked through in batches between scheduler ticks.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

from civicloop.core.periodic import periodic_tick, worker_name

log = logging.getLogger(__name__)


def run_periodic_once(only: str | None = None) -> dict[str, Any]:
    """Run every periodic job (or the one named) right now, outside the schedule — for cron and operators."""
    results: dict[str, Any] = {}
    for path, _every in settings.PERIODIC_JOBS:
        if only and not path.endswith(only):
            continue
        results[path] = import_string(path)()
    return results


def _scheduler(stop: threading.Event, tick: float, name: str) -> None:
    seen: dict[str, Any] = {}
    while not stop.is_set():
        try:
            periodic_tick(worker=name, seen=seen)
        except Exception:  # a database hiccup must not end the scheduler
            log.exception("periodic scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(tick)


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs (use --once for a single pass, e.g. from cron)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="one pass of every job and the task queue, then exit"
        )
        parser.add_argument("--job", help="run only the periodic job whose path ends with this name")
        parser.add_argument("--tick", type=float, default=2.0, help="seconds between scheduler ticks")
        parser.add_argument("--name", default="", help="worker name (default host:pid)")

    def handle(self, *args: Any, once: bool, job: str | None, tick: float, name: str, **options: Any) -> None:
        if once or job:
            results = run_periodic_once(job)
            if not job:
                self._drain_database_queue()
            for path, result in results.items():
                self.stdout.write(f"{path}: {result}")
            return
        name = name or worker_name()
        backend = settings.TASKS["default"]["BACKEND"]
        self.stdout.write(f"worker {name} started ({backend.rsplit('.', 1)[-1]})")
        if backend == "django_tasks_rq.RQBackend":
            stop = threading.Event()
            thread = threading.Thread(target=_scheduler, args=(stop, tick, name), daemon=True)
            thread.start()
            try:
                self._work_rq(name)
            finally:
                stop.set()
            return
        seen: dict[str, Any] = {}
        while True:
            try:
                periodic_tick(worker=name, seen=seen)
            except Exception:
                log.exception("periodic scheduler tick failed")
            self._drain_database_queue()
            close_old_connections()
            time.sleep(tick)

    def _work_rq(self, name: str) -> None:
        """Work the RQ queue; when Redis goes away (restart, failover), wait for it and work on.

        RQ gives up on a lost Redis connection (an exception, or SystemExit from django-rq's command), so the
        worker is built and run here, and anything but a requested stop (SIGTERM/SIGINT) starts it again. Each
        run registers under a fresh RQ name: a dead worker's registration lingers in Redis until its TTL.
        """
        import django_rq
        from rq.logutils import setup_loghandlers

        setup_loghandlers("INFO")
        attempt = 0
        while True:
            attempt += 1
            worker = None
            try:
                worker = django_rq.get_worker(
                    "default",
                    name=f"{name}.{os.getpid()}.{attempt}",
                    worker_class="rq.worker.SimpleWorker",
                    job_class="django_tasks_rq.Job",
                )
                worker.work(with_scheduler=True, logging_level="INFO")
            except (Exception, SystemExit) as exc:  # SystemExit: RQ's own "connection lost, quitting"
                if worker is not None and worker._stop_requested:
                    return
                log.warning("RQ worker stopped (%s); starting it again in 1 s", type(exc).__name__)
                close_old_connections()
                time.sleep(1)
                continue
            if worker._stop_requested:
                return  # a clean stop (SIGTERM)
            time.sleep(1)

    def _drain_database_queue(self) -> None:
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
