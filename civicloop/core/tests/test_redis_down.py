"""With the cache, the sessions and the task queue on a Redis that is down (a restart in the province cluster),
residents still submit orders and sign in: the cache reads as a miss, the rate limit fails open, and the
notifications wait in the outbox for the periodic sweep instead of failing the use case with a 500."""

from __future__ import annotations

import socket

import pytest
from django.test import Client, override_settings

from civicloop.notify.models import Notification
from civicloop.notify.services import notify_deliver_pending
from civicloop.orders.models import Order
from conftest import PASSWORD


def _dead_redis_url() -> str:
    """A loopback port nothing listens on: connections are refused at once, as while Redis restarts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


DEAD = _dead_redis_url()
REDIS_DOWN = override_settings(
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": DEAD,
            "OPTIONS": {"SOCKET_TIMEOUT": 1, "SOCKET_CONNECT_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    },
    SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    RQ_QUEUES={"default": {"URL": DEAD, "DEFAULT_TIMEOUT": 60}},
    TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    STATS_CACHE_SECONDS=300,
)


@pytest.mark.django_db(transaction=True)
def test_a_resident_signs_in_and_submits_while_redis_is_down(personas):
    with REDIS_DOWN:
        browser = Client()
        page = browser.post("/accounts/login/", {"username": "resident", "password": PASSWORD})
        assert page.status_code == 302, page.content[:300]
        assert browser.get("/orders/mine/").status_code == 200
        token = Client().post(
            "/api/auth/token", {"username": "resident", "password": PASSWORD, "device": "phone"},
            content_type="application/json",
        )
        assert token.status_code == 200
        answer = Client().post(
            "/api/orders/", {"category": "health", "title": "上门量血压"}, content_type="application/json",
            headers={"Authorization": f"Bearer {token.json()['token']}"},
        )
        assert answer.status_code == 201, answer.content[:300]
        order = Order.objects.get(number=answer.json()["number"])
        waiting = Notification.objects.filter(order=order, delivered_at__isnull=True).count()
        assert waiting > 0  # written with the order; the queue could not be told
    # Redis is back: the sweep delivers what the failed enqueue left.
    assert notify_deliver_pending() >= waiting
    assert not Notification.objects.filter(order=order, delivered_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_the_office_dashboard_and_health_page_answer_while_redis_is_down(client, personas):
    with REDIS_DOWN:
        client.force_login(personas.office)
        assert client.get("/stats/").status_code == 200
        health = client.get("/health/")
        assert health.status_code in (200, 503)
        assert "cache" in health.content.decode()
