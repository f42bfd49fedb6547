"""The staff idle timeout (DESIGN §4, issue #11 item 2, issue #19): pages and API, no 500, few session writes."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicloop.core.middleware import ROLE_KEY, SESSION_KEY

pytestmark = pytest.mark.django_db

IDLE = 31 * 60


def _age(client: Any, key: str, seconds: int) -> None:
    """Pretend the session's last request was `seconds` ago."""
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_idle_staff_page_redirects_to_login_with_a_message(client: Any, personas: Any) -> None:
    client.force_login(personas.station_staff)
    assert client.get("/orders/queue/").status_code == 200
    _age(client, SESSION_KEY, IDLE)
    response = client.get("/orders/queue/")
    assert response.status_code == 302  # used to be a 500: messages.info before MessageMiddleware
    assert response["Location"].startswith("/accounts/login/")
    page = client.get(response["Location"])
    assert "30分钟未操作" in page.content.decode() or "30 minutes" in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/orders/queue/").status_code == 302  # still signed out


def test_idle_staff_session_cannot_read_the_api(client: Any, personas: Any) -> None:
    client.force_login(personas.station_staff)
    assert client.get("/api/people/residents").status_code == 200
    _age(client, SESSION_KEY, IDLE)
    assert client.get("/api/people/residents").status_code == 401  # the idle cookie used to read residents
    assert "_auth_user_id" not in client.session


def test_api_use_keeps_a_staff_session_alive(client: Any, personas: Any) -> None:
    client.force_login(personas.station_staff)
    _age(client, SESSION_KEY, 10 * 60)
    assert client.get("/api/people/residents").status_code == 200
    assert client.session[SESSION_KEY] >= int(time.time()) - 5  # restamped: the API counts as activity


def test_active_staff_session_is_restamped_at_most_once_a_minute(client: Any, personas: Any) -> None:
    client.force_login(personas.station_staff)
    client.get("/orders/queue/")
    stamped = client.session[SESSION_KEY]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/orders/queue/").status_code == 200
    assert _session_writes(queries) == []
    assert client.session[SESSION_KEY] == stamped
    _age(client, SESSION_KEY, 90)
    client.get("/orders/queue/")
    assert client.session[SESSION_KEY] >= int(time.time()) - 5


@pytest.mark.parametrize("who", ["resident", "volunteer", "leader"])
def test_non_staff_are_never_timed_out_and_cost_no_session_write(
    client: Any, personas: Any, who: str
) -> None:
    client.force_login(getattr(personas, who))
    client.get("/orders/mine/")  # the first request notes the role in the session
    assert not {"office", "staff", "liaison", "auditor"} & set(client.session[ROLE_KEY][1])
    with CaptureQueriesContext(connection) as queries:
        client.get("/orders/mine/")
    assert _session_writes(queries) == []
    _age(client, SESSION_KEY, IDLE)  # an idle session is still signed in: residents have no idle limit
    client.get("/orders/mine/")
    assert "_auth_user_id" in client.session


def test_role_granted_during_a_session_is_noticed(client: Any, personas: Any) -> None:
    from civicloop.network.models import Membership

    client.force_login(personas.outsider)
    client.get("/orders/mine/")
    assert not {"office", "staff", "liaison", "auditor"} & set(client.session[ROLE_KEY][1])
    Membership.objects.create(user=personas.outsider, unit=personas.station, role="staff")
    session = client.session
    session[ROLE_KEY] = [personas.outsider.pk, [], int(time.time()) - 301]
    session.save()
    client.get("/orders/mine/")
    assert "staff" in client.session[ROLE_KEY][1]
    assert SESSION_KEY in client.session


def test_floor_page_costs_at_most_three_queries_beyond_authentication(
    client: Any, personas: Any, settings: Any
) -> None:
    """The bench's floor page (one authenticated single-row read): session + user, then ≤ 3 more, no writes."""
    settings.ROOT_URLCONF = "civicloop.matching.bench_urls"
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, user_id BIGINT, note VARCHAR(100), created_at VARCHAR(40))"
        )
        cur.execute(
            "INSERT INTO bench_floor (id, user_id, note, created_at) VALUES (1, 1, 'x', '2026-01-01')"
        )
    for who in ("resident", "leader", "station_staff"):
        client.force_login(getattr(personas, who))
        client.get("/bench/floor/1/")  # first request of the session: role noted, stamp written
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/bench/floor/1/").status_code == 200
        authentication = 2  # the session row and the user row
        assert len(queries) <= authentication + 3, (who, [q["sql"] for q in queries.captured_queries])
        assert _session_writes(queries) == [], who
        if who != "station_staff":  # the staff check came from the session, not a membership query
            assert not [q for q in queries.captured_queries if "network_membership" in q["sql"]], who
