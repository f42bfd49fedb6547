"""The health page: what a load balancer and an operator need, as JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_health_page_reports_database_cache_and_no_replica(client: Any) -> None:
    body = client.get(reverse("core:health")).json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["cache"] == "ok"
    assert body["replica_lag"] is None
