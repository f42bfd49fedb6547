"""A hypothesis state machine: random actions by random personas on an order.

Checks after every step: the state is one of DESIGN §2's; only allowed moves happened and they chain; every
state change wrote exactly one event; a refused action changed nothing; hours exist only for closed orders.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from civicloop.core.exceptions import Conflict
from civicloop.orders import services
from civicloop.orders.models import Order, OrderEvent, OrderReportHours
from civicloop.orders.tests.factories import submit, time_passes
from civicloop.orders.workflow import ACTIONS as WF_ACTIONS
from civicloop.orders.workflow import TRANSITIONS
from civicloop.records.models import ServiceRecord

PERSONAS = [
    "resident",
    "station_staff",
    "institute_staff",
    "sibling",
    "leader",
    "leader_b",
    "volunteer",
    "outsider",
]
ACTIONS = list(WF_ACTIONS)  # every step a person takes, from the declaration


HAPPY = {
    "submitted": [("publish", "station_staff"), ("dispatch", "institute_staff"), ("reject", "station_staff")],
    "open": [("claim", "leader"), ("claim", "leader"), ("withdraw", "station_staff"), ("claim", "leader_b")],
    "dispatched": [("accept", "leader"), ("accept", "leader"), ("decline", "leader")],
    "accepted": [
        ("assign", "leader"),
        ("check_in", "volunteer"),
        ("check_in", "leader"),
        ("release", "leader"),
    ],
    "in_service": [("report", "leader"), ("check_in", "volunteer"), ("check_out", "volunteer")],
    "served": [
        ("verify", "station_staff"),
        ("verify", "institute_staff"),
        ("rate", "resident"),
        ("return", "sibling"),
    ],
    "closed": [("rate", "resident"), ("verify", "station_staff")],
}


# One fixed way through the loop from each state to closed (steps that always work, in order). Hours go only
# to volunteers who checked in, so the volunteer is assigned and checks in (again, after a rework) first; a
# step that does not fit (already assigned, already checked in) is refused and changes nothing.
TO_CLOSED = {
    "submitted": [("publish", "station_staff")],
    "open": [("claim", "leader")],
    "dispatched": [("accept", "leader")],
    "accepted": [("assign", "leader"), ("check_in", "volunteer")],
    "in_service": [("assign", "leader"), ("check_in", "volunteer"), ("report", "leader")],
    "served": [("verify", "station_staff")],
}


def is_move(ev: OrderEvent) -> bool:
    return ev.action in TRANSITIONS and ev.from_status in TRANSITIONS[ev.action][0] and ev.action != "submit"


def make_machine(p: Any) -> type[RuleBasedStateMachine]:
    actors = {name: getattr(p, name, None) for name in PERSONAS}
    actors["leader_b"] = p.team_b.leader

    class OrderMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.order = submit(p)
            self.other = submit(p, title="另一单")
            self.moves = 0

        def _kwargs(self, action: str, actor: Any) -> dict[str, Any]:
            team = p.team_b if actor == actors["leader_b"] else p.team
            return {
                "dispatch": {"team": p.team},
                "reroute": {"unit": p.institute, "reason": "转所"},
                "merge": {"into": self.other},
                "reject": {"reason": "不合适"},
                "claim": {"team": team},
                "decline": {"reason": "忙"},
                "release": {"reason": "忙"},
                "assign": {"volunteers": [p.volunteer_profile]},
                "report": {
                    "summary": "完成",
                    "people_served": 1,
                    "hours": {p.volunteer_profile.pk: Decimal("2")},
                },
                "rate": {"score": 3},
                "return": {"reason": "补充材料"},
                "cancel": {"reason": "不需要"},
                "whistle": {"departments": [p.department], "note": "需要卫健委支持"},
            }.get(action, {})

        @rule(action=st.sampled_from(ACTIONS), who=st.sampled_from(PERSONAS))
        def act(self, action: str, who: str) -> None:
            self._act(action, who)

        @rule(pick=st.integers(min_value=0, max_value=5))
        def advance(self, pick: int) -> None:
            """Mostly the right persona doing a move that fits the state, so runs reach the late states."""
            status = Order.objects.values_list("status", flat=True).get(pk=self.order.pk)
            options = HAPPY.get(status, [("cancel", "resident")])
            self._act(*options[pick % len(options)])

        @rule()
        def finish(self) -> None:
            """Drive the order along the loop to closed (a fresh order if this one ended elsewhere).

            Random runs may never close an order; this rule (and the explicit run in the test) makes sure the
            hours invariant is exercised on a closed order every time.
            """
            status = Order.objects.values_list("status", flat=True).get(pk=self.order.pk)
            if status not in TO_CLOSED and status != Order.Status.CLOSED:
                self.order = submit(p)
                status = Order.Status.SUBMITTED
            for _step in range(len(TO_CLOSED) + 1):
                if status == Order.Status.CLOSED:
                    return
                for step in TO_CLOSED[status]:
                    self._act(*step)
                status = Order.objects.values_list("status", flat=True).get(pk=self.order.pk)
            raise AssertionError(f"the loop stopped at {status}")

        def _act(self, action: str, who: str) -> None:
            actor = actors[who]
            order = Order.objects.get(pk=self.order.pk)
            if action in ("check_out", "report"):
                time_passes(order)  # the volunteers served a while before checking out or the report
            before = (order.status, order.version, OrderEvent.objects.filter(order=order).count())
            fn = getattr(services, f"order_{action}")
            try:
                fn(actor=actor, order=order, **self._kwargs(action, actor))
            except (ValidationError, PermissionDenied, Conflict):
                after = Order.objects.get(pk=self.order.pk)
                assert (after.status, after.version, OrderEvent.objects.filter(order=after).count()) == before
                return
            after = Order.objects.get(pk=self.order.pk)
            new_events = list(OrderEvent.objects.filter(order=after).order_by("pk"))[before[2] :]
            assert len(new_events) == 1, [e.action for e in new_events]
            ev = new_events[0]
            assert ev.action == action
            if after.version != before[1]:
                assert after.version == before[1] + 1
                assert (ev.from_status, ev.to_status) == (before[0], after.status)
                assert before[0] in TRANSITIONS[action][0] and after.status == TRANSITIONS[action][1]
            else:
                assert after.status == before[0] and ev.from_status == ev.to_status == before[0]

        @invariant()
        def consistent(self) -> None:
            order = Order.objects.get(pk=self.order.pk)
            assert order.status in Order.Status.values
            moves = [e for e in order.events.order_by("pk") if is_move(e)]
            assert len(moves) == order.version
            state = Order.Status.SUBMITTED
            for ev in moves:
                assert ev.from_status == state
                assert ev.to_status == TRANSITIONS[ev.action][1]
                state = ev.to_status
            assert state == order.status

        @invariant()
        def hours_only_for_closed(self) -> None:
            closed = set(Order.objects.filter(status=Order.Status.CLOSED).values_list("pk", flat=True))
            credited = set(ServiceRecord.objects.values_list("source_id", flat=True))
            assert credited <= closed
            order = Order.objects.get(pk=self.order.pk)
            total = ServiceRecord.objects.filter(source_id=order.pk).aggregate(t=Sum("hours"))["t"]
            if order.status == Order.Status.CLOSED:
                expected = OrderReportHours.objects.filter(report__order=order).aggregate(t=Sum("hours"))["t"]
                assert total == expected
            else:
                assert total is None

    return OrderMachine


@pytest.mark.django_db
def test_order_state_machine(personas: Any) -> None:
    personas.team.capacity = 1000
    personas.team.save()
    machine = make_machine(personas)
    # derandomize/print_blob come from the "civicloop" profile loaded in conftest.py: a red run replays.
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
    # The explicit example: one full loop to closed, checked by the same invariants, whatever the runs did.
    explicit = machine()
    explicit.finish()
    explicit.consistent()
    explicit.hours_only_for_closed()
    explicit.teardown()
    # the runs reached the end of the loop at least once, so the hours invariant was really exercised
    assert Order.objects.filter(status=Order.Status.CLOSED).exists()
    assert ServiceRecord.objects.exists()
