"""Read-replica routing against a real streaming standby (PostgreSQL).

`CIVICLOOP_TEST_REPLICA_URL` names a hot standby of the test server (`tools/cluster/pg_replica.sh` makes one;
`.ci/run` starts it). The test database is created on the primary and reaches the standby by replication, so
the `replica` alias here is the standby's copy of the very same database.

To tell the two copies apart without timing, the standby's replay is paused: whatever is written afterwards is
on the primary only, so a page that still shows the old figure has read the replica, and one that shows the new
figure has read the primary.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civicloop.core.db_router import REPLICA, STICKY_COOKIE, replica_lag
from civicloop.orders.models import Order

REPLICA_URL = os.environ.get("CIVICLOOP_TEST_REPLICA_URL", "")

ENABLED = bool(REPLICA_URL) and os.environ.get("DATABASE_URL", "").startswith("postgres")

pytestmark = [
    pytest.mark.skipif(
        not ENABLED, reason="needs PostgreSQL and a streaming standby (CIVICLOOP_TEST_REPLICA_URL)"
    ),
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]

if ENABLED and REPLICA not in settings.DATABASES:
    # Declared at collection, before the test databases are set up, so Django lets these tests use the alias;
    # as a test mirror it is neither created nor flushed. Routing stays off (REPLICA_READS) outside this module.
    settings.DATABASES[REPLICA] = {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}


@pytest.fixture
def replica(settings: Any) -> Iterator[Any]:
    """The standby's copy of the test database as the `replica` alias, with replica reads switched on."""
    url = urlparse(REPLICA_URL)
    standby = connections[REPLICA]
    standby.close()
    standby.settings_dict.update(
        NAME=connection.settings_dict["NAME"], HOST=url.hostname or "127.0.0.1", PORT=str(url.port or 5432)
    )
    settings.REPLICA_READS = True
    try:
        yield standby
    finally:
        with standby.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        standby.close()


def _caught_up(replica: Any, deadline: float = 60.0) -> None:
    """Wait until the standby has replayed everything the primary had written when we started waiting.

    A condition, not a duration; and not "lag is zero", which a primary shared with other work may never be.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    stop = time.monotonic() + deadline
    while True:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        if time.monotonic() > stop:
            raise AssertionError(f"replica did not catch up to {target}: {replica_lag()}")
        time.sleep(0.1)


def _pause(replica: Any) -> None:
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")


def _resume(replica: Any) -> None:
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


def _order_form() -> dict[str, Any]:
    return {
        "category": "health",
        "title": "帮我母亲量血压",
        "day": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        "day_part": "pm",
        "beneficiaries": 2,
        "address": "万和阳光社区3栋2单元501",
    }


def test_dashboard_reads_the_replica_and_writes_stay_on_the_primary(client: Any, replica: Any) -> None:
    from conftest import build_personas

    personas = build_personas()
    _caught_up(replica)
    client.force_login(personas.office)
    with CaptureQueriesContext(connection) as primary, CaptureQueriesContext(replica) as standby:
        response = client.get(reverse("stats:dashboard"))
    assert response.status_code == 200
    replica_sql = " ".join(q["sql"] for q in standby.captured_queries)
    primary_sql = " ".join(q["sql"] for q in primary.captured_queries)
    assert "stats_counter" in replica_sql and "network_unit" in replica_sql
    assert "stats_counter" not in primary_sql  # the primary only served the session
    assert STICKY_COOKIE not in response.cookies  # reading a dashboard is not a write

    # A page that is not on the list (the order queue) reads the primary.
    client.force_login(personas.station_staff)
    with CaptureQueriesContext(replica) as standby:
        assert client.get(reverse("orders:queue")).status_code == 200
    assert standby.captured_queries == []


def test_a_just_submitted_order_is_visible_to_its_submitter_while_the_replica_lags(
    client: Any, replica: Any
) -> None:
    from django.test import Client

    from conftest import build_personas

    personas = build_personas()
    _caught_up(replica)
    public = reverse("stats:public") + f"?unit={personas.station.pk}"
    stranger = Client()
    assert stranger.get(public).context["f"].orders == 0

    _pause(replica)  # from here on the standby is behind
    try:
        client.force_login(personas.resident)
        response = client.post(reverse("orders:new"), _order_form())
        order = Order.objects.get()
        assert response.status_code == 302 and response.url == reverse("orders:detail", args=[order.number])
        assert response.cookies[STICKY_COOKIE]["max-age"] > 0  # read-your-writes for the next pages

        # The submitter sees the order at once, on its own page and in the station's public figures ...
        detail = client.get(response.url)
        assert detail.status_code == 200 and order.number in detail.content.decode()
        assert client.get(public).context["f"].orders == 1
        # ... while someone else still reads the lagging replica, and the health page says so.
        assert stranger.get(public).context["f"].orders == 0
        health = client.get(reverse("core:health")).json()
        assert health["replica_lag"]["ok"] and health["replica_lag"]["bytes"] > 0
        assert health["replica_lag"]["paused"] is True
    finally:
        _resume(replica)

    _caught_up(replica)  # replica reads converge
    assert stranger.get(public).context["f"].orders == 1
    assert client.get(reverse("core:health")).json()["replica_lag"]["paused"] is False
