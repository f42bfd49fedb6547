"""Many simultaneous claims on each of several orders: exactly one winner each, the rest "already taken".

Runs on whatever database the suite runs on: the file SQLite database by default, PostgreSQL with DATABASE_URL.
Each thread uses its own connection (closed at thread end).
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connections
from django.utils.translation import override

from civicloop.core.exceptions import Conflict
from civicloop.orders import services
from civicloop.orders.models import Order, OrderEvent
from civicloop.orders.tests.factories import walk
from civicloop.people import services as people
from civicloop.stats.services import counters_mismatches
from conftest import at_once

CLAIMERS = 20
ORDERS = 4


@pytest.mark.django_db(transaction=True)
def test_simultaneous_claims_have_exactly_one_winner(personas: Any) -> None:
    teams = []
    for i in range(CLAIMERS):
        leader = people.user_create(username=f"race{i}", password="x-Long-pass-1", full_name=f"队长{i}")
        teams.append(
            people.team_create(
                name=f"抢单队{i}",
                team_type="party_member",
                home_unit=personas.station,
                served_units=[personas.station],
                categories=["health"],
                leader=leader,
                capacity=ORDERS + 1,
            )
        )
    orders = [walk(personas, "open") for _ in range(ORDERS)]
    results: list[tuple[int, int, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLAIMERS * ORDERS)

    def claim(order_pk: int, team_pk: int) -> None:
        from civicloop.people.models import Team

        try:
            team = Team.objects.select_related("leader").get(pk=team_pk)
            order = Order.objects.get(pk=order_pk)
            barrier.wait(timeout=60)
            with override("zh-hans"):
                try:
                    services.order_claim(actor=team.leader, order=order, team=team)
                    outcome = "won"
                except Conflict as exc:
                    outcome = exc.message
        except Exception as exc:  # anything else is a failure of the test
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            results.append((order_pk, team_pk, outcome))

    threads = [threading.Thread(target=claim, args=(o.pk, t.pk)) for o in orders for t in teams]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == CLAIMERS * ORDERS
    errors = [r for r in results if r[2].startswith("error")]
    assert errors == []
    for order in orders:
        outcomes = Counter(r[2] for r in results if r[0] == order.pk)
        assert outcomes["won"] == 1, outcomes
        assert outcomes["该订单已被其他队伍领走。"] == CLAIMERS - 1, outcomes
        winner = next(r[1] for r in results if r[0] == order.pk and r[2] == "won")
        fresh = Order.objects.get(pk=order.pk)
        assert fresh.status == Order.Status.ACCEPTED and fresh.team_id == winner
        assert OrderEvent.objects.filter(order=order, action="claim").count() == 1
        assert list(OrderEvent.objects.filter(order=order).values_list("action", flat=True)) == [
            "submit",
            "publish",
            "claim",
        ]
    # The figures' counters moved with every winning claim, and only with those.
    assert counters_mismatches() == []


SUBMITTERS = 20


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_get_distinct_numbers(personas: Any) -> None:
    """Many residents ordering in the same instant each get their own number: no collision, no error."""
    from civicloop.orders.tests.factories import submit

    def order() -> str:
        try:
            submit(personas)
        except Exception as exc:
            return repr(exc)
        return ""

    errors = [e for e in at_once(SUBMITTERS, order) if e]
    assert errors == []
    numbers = list(Order.objects.values_list("number", flat=True))
    assert len(numbers) == SUBMITTERS == len(set(numbers))
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, SUBMITTERS + 1))
    assert OrderEvent.objects.filter(action="submit").count() == SUBMITTERS
    assert counters_mismatches() == []
