"""What orders add to the figures' counters (registered by CivicApp.ready; see civicloop/core/counters.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import OuterRef, Subquery

from civicloop.core.counters import Contribution, CounterSource, bucket, day
from civicloop.orders.models import Order, OrderEvent, OrderRating, OrderReport

# Fewest moves before an order can hold an acceptance (publish+claim or dispatch+accept) and a rating or
# report (…, check_in, report): `version` counts the moves, so an order below them cannot have those rows.
_MOVES_BEFORE_ACCEPTED = 2
_MOVES_BEFORE_SERVED = 4
PERMANENT = ("accepted_at", "rating_score", "rating_at")


def _accepted_at() -> Subquery:
    # the first move into accepted (steps that only record while accepted write accepted -> accepted events)
    return Subquery(
        OrderEvent.objects.filter(order=OuterRef("pk"), to_status="accepted")
        .exclude(from_status="accepted")
        .order_by("created_at")
        .values("created_at")[:1]
    )


def _first_move_into(status: str, event: Any, moves: int, fewest: int) -> bool:
    """The step that wrote `event` moved the order into `status`, where it cannot have been before: it had made
    fewer moves than the fewest that reach `status`."""
    return (
        event is not None and event.to_status == status and event.from_status != status and moves - 1 < fewest
    )


def order_values(order: Any) -> dict[str, Any]:
    """The values of one order that its contribution depends on: at most one query, none for a fresh order.

    The acceptance time, rating and people served live in other tables; each is read (as one subquery of a single
    statement) only when the order could have it: an open order claimed for the first time has no acceptance,
    rating or report, and people served count only once it is closed. The recount reads the same values with
    the same subqueries for every order, so skipping a read never changes the result.
    """
    moves = int(getattr(order, "version", 0) or 0)
    status = order.status
    subqueries: dict[str, Any] = {}
    # The current state says so directly; the move count covers orders that went back (release, return, cancel).
    if status in ("accepted", "in_service", "served", "closed") or moves >= _MOVES_BEFORE_ACCEPTED:
        subqueries["accepted_at"] = _accepted_at()
    if status in ("served", "closed") or moves >= _MOVES_BEFORE_SERVED:
        rating = OrderRating.objects.filter(order=OuterRef("pk")).order_by("pk")
        subqueries["rating_score"] = Subquery(rating.values("score")[:1])
        subqueries["rating_at"] = Subquery(rating.values("created_at")[:1])
    if status == "closed":
        subqueries["people_served"] = Subquery(
            OrderReport.objects.filter(order=OuterRef("pk")).order_by("pk").values("people_served")[:1]
        )
    move: Any = getattr(order, "workflow_move", None)  # within a workflow step: what it changes on the order
    if move is not None and not move.fields & {"unit_path", "created_at"}:
        # The step writes no rating or report and keeps the order's unit and creation time, so the rating's terms
        # are the same before and after it, and so are the acceptance's unless this step is an acceptance: both
        # readings leave them out and their terms cancel in the difference, as if both had read them.
        subqueries.pop("rating_score", None), subqueries.pop("rating_at", None)
        if move.to_status != "accepted" or move.from_status == "accepted":
            subqueries.pop("accepted_at", None)
        if (move.from_status == "closed") == (move.to_status == "closed") and "closed_at" not in move.fields:
            subqueries.pop("people_served", None)  # counted on the day it closed: a day this step keeps
    known: dict[str, Any] = {}
    last: Any = getattr(order, "workflow_event", None)  # set by the workflow engine on the step it just took
    if "accepted_at" in subqueries and _first_move_into("accepted", last, moves, _MOVES_BEFORE_ACCEPTED):
        # This move is the order's first acceptance: its time is the event's.
        known["accepted_at"] = last.created_at
        del subqueries["accepted_at"]
    if "rating_score" in subqueries and _first_move_into("served", last, moves, _MOVES_BEFORE_SERVED):
        # The order's first report: it was never served before, so nobody can have rated it yet.
        known["rating_score"] = known["rating_at"] = None
        del subqueries["rating_score"], subqueries["rating_at"]
    # Read before the move, reused after it: the first acceptance and the rating never change once they exist
    # (ratings are never edited or deleted), so the figures' second read of a step asks only what may be new.
    seen: dict[str, Any] = order.__dict__.setdefault("_counted_reads", {})
    for name in (*PERMANENT, "people_served"):
        if name in subqueries and seen.get(name) is not None:
            known[name] = seen[name]
            del subqueries[name]
    found: dict[str, Any] = {}
    if subqueries and order.pk is not None:
        found = Order.objects.filter(pk=order.pk).annotate(**subqueries).values(*subqueries).first() or {}
        seen.update({k: v for k, v in found.items() if k in PERMANENT})
    return {
        "unit_path": order.unit_path,
        "created_at": order.created_at,
        "closed_at": order.closed_at,
        "status": order.status,
        "category": order.category,
        "focus_group": order.focus_group,
        "rating_score": known.get("rating_score", found.get("rating_score")),
        "rating_at": known.get("rating_at", found.get("rating_at")),
        "accepted_at": known.get("accepted_at", found.get("accepted_at")),
        "people_served": known.get("people_served", found.get("people_served")),
    }


def counted_already(order: Order, **values: Any) -> None:
    """Values of `order` a service has just read in its transaction (the people served, by verify reading the
    report it credits), so its figures do not read them again. Only for values that cannot change later in the
    same transaction: a closed order's report is final."""
    order.__dict__.setdefault("_counted_reads", {}).update(values)


def order_contribution(v: dict[str, Any]) -> Contribution:
    c: Contribution = Counter()
    path, created = v["unit_path"], day(v["created_at"])
    c["orders", path, created, v["category"]] += 1
    c["orders_fg", path, created, v["focus_group"] or "-"] += 1
    c["orders_state", path, created, v["status"]] += 1
    if v["accepted_at"] is not None:
        minutes = (v["accepted_at"] - v["created_at"]).total_seconds() / 60
        c["claim_minutes", path, day(v["accepted_at"]), bucket(minutes)] += 1
    if v["status"] == "closed" and v["closed_at"] is not None:
        closed = day(v["closed_at"])
        c["orders_closed", path, closed, v["category"]] += 1
        minutes = (v["closed_at"] - v["created_at"]).total_seconds() / 60
        c["complete_minutes", path, closed, bucket(minutes)] += 1
        if v["people_served"]:
            c["served", path, closed, "order"] += int(v["people_served"])
    if v["rating_score"] is not None:
        rated = day(v["rating_at"])
        c["rating_sum", path, rated, ""] += int(v["rating_score"])
        c["rating_count", path, rated, ""] += 1
    return c


def order_rows() -> Iterator[Mapping[str, Any]]:
    rating = OrderRating.objects.filter(order=OuterRef("pk"))
    served = OrderReport.objects.filter(order=OuterRef("pk")).values("people_served")[:1]
    yield from (
        Order.objects.annotate(
            rating_score=Subquery(rating.values("score")[:1]),
            rating_at=Subquery(rating.values("created_at")[:1]),
            accepted_at=_accepted_at(),
            people_served=Subquery(served),
        )
        .values(
            "unit_path",
            "created_at",
            "closed_at",
            "status",
            "category",
            "focus_group",
            "rating_score",
            "rating_at",
            "accepted_at",
            "people_served",
        )
        .iterator(chunk_size=5000)
    )


SOURCES = (CounterSource("order", values=order_values, contribution=order_contribution, rows=order_rows),)
