"""Background tasks (django-tasks): deliver notifications after the writing transaction committed."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_notifications(ids: list[int], order_id: int | None = None) -> int:
    from civicloop.notify.services import notify_deliver_many

    return notify_deliver_many(ids=ids, order_id=order_id)
