"""The task that runs one claimed period of a periodic job (see civicloop.core.periodic)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_periodic(run_id: int) -> str:
    from civicloop.core.periodic import periodic_run

    return periodic_run(run_id=run_id)
