"""The background worker: runs queued django-tasks and the periodic jobs (deadlines, automatic ratings, ...).

Periodic jobs are listed in settings.PERIODIC_JOBS as (dotted path, every N seconds). Each job is an
idempotent service function, so running one twice or on two workers does no harm.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def run_periodic_once(only: str | None = None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for path, _every in settings.PERIODIC_JOBS:
        if only and not path.endswith(only):
            continue
        results[path] = import_string(path)()
    return results


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs (use --once for a single pass, e.g. from cron)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="one pass of every job and the task queue, then exit"
        )
        parser.add_argument("--job", help="run only the periodic job whose path ends with this name")
        parser.add_argument("--tick", type=float, default=2.0, help="seconds between queue polls")

    def handle(self, *args: Any, once: bool, job: str | None, tick: float, **options: Any) -> None:
        if once or job:
            results = run_periodic_once(job)
            if not job:
                call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
            for path, result in results.items():
                self.stdout.write(f"{path}: {result}")
            return
        last_run: dict[str, float] = {}
        self.stdout.write("worker started")
        while True:
            now = time.monotonic()
            for path, every in settings.PERIODIC_JOBS:
                if now - last_run.get(path, 0.0) >= every:
                    last_run[path] = now
                    try:
                        import_string(path)()
                    except Exception:  # one failing job must not stop the others
                        log.exception("periodic job %s failed", path)
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
            time.sleep(tick)
