"""Dashboard figures cached in Redis and invalidated by the counters (civicloop.core.hot)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone


def _counter_queries(ctx: CaptureQueriesContext) -> int:
    return sum("stats_counter" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.django_db
def test_dashboard_figures_come_from_the_cache_until_a_counter_changes(
    client: Any, personas: Any, redis_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.office)
    url = reverse("stats:dashboard")
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).context["f"].orders == 0
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).context["f"].orders == 0
    # Headline figures and the table by child unit are read once, then served from Redis.
    assert _counter_queries(second) < _counter_queries(first)

    resident = client.__class__()
    resident.force_login(personas.resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = resident.post(
            reverse("orders:new"),
            {
                "category": "health",
                "title": "帮我母亲量血压",
                "day": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
                "day_part": "pm",
                "beneficiaries": 2,
                "address": "万和阳光社区3栋2单元501",
            },
        )
    assert response.status_code == 302
    # The order moved the district's counters, so the next dashboard shows it at once.
    assert client.get(url).context["f"].orders == 1


@pytest.mark.django_db
def test_without_a_shared_cache_every_dashboard_read_is_fresh(client: Any, personas: Any) -> None:
    client.force_login(personas.office)
    url = reverse("stats:dashboard")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert _counter_queries(second) == _counter_queries(first)
