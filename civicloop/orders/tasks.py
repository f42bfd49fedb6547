"""Background tasks (django-tasks) for the order loop's periodic jobs.

The worker (`manage.py worker`) calls the service functions directly from settings.PERIODIC_JOBS; these tasks let
anything else enqueue a run (e.g. right after a settings change), and `manage.py worker --job <name>` runs one.
"""

from __future__ import annotations

from django_tasks import task


@task()
def escalate_overdue() -> int:
    from civicloop.orders.services import orders_escalate_overdue

    return orders_escalate_overdue()


@task()
def auto_rate() -> int:
    from civicloop.orders.services import orders_auto_rate

    return orders_auto_rate()
