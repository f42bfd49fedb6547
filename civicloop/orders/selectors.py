"""Reads of the service-order loop. Every list is scoped through civicloop.orders.policies and fetches its
relations up front so a page of rows costs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from civicloop import access
from civicloop.orders import policies as policy
from civicloop.orders.models import Order, OrderEvent, Whistle
from civicloop.orders.workflow import DEADLINES, LIVE_STATES, TEAM_TASKS, VOLUNTEER_TASKS

S = Order.Status
LIST_RELATED = ("unit", "requester", "team", "escalated_to")


def _list(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related(*LIST_RELATED)


def order_detail(number: str) -> Order | None:
    return (
        Order.objects.select_related(
            "unit", "requester__user", "team__leader", "escalated_to", "entered_by", "merged_into"
        )
        .filter(number=number)
        .first()
    )


def order_timeline(order: Order) -> QuerySet[OrderEvent]:
    return OrderEvent.objects.filter(order=order).select_related("actor", "unit").order_by("created_at", "pk")


def staff_queue(
    user: Any,
    *,
    status: str | None = None,
    category: str | None = None,
    q: str | None = None,
    overdue: bool | None = None,
) -> QuerySet[Order]:
    """Orders in the user's staff scope, most urgent first (escalated, then earliest due)."""
    qs = Order.objects.filter(access.scope_q(user))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if q:
        q = q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(requester__name__icontains=q))
    if overdue:
        qs = qs.filter(overdue_q(timezone.now()))
    return _list(qs).order_by("-escalation_level", "-created_at")


def overdue_q(now: dt.datetime) -> Q:
    q = Q(pk__in=[])
    for field, states in DEADLINES.items():
        q |= Q(status__in=states, **{f"{field}__lt": now})
    return q


def current_due(order: Order) -> dt.datetime | None:
    """The deadline that applies to the order in its current state."""
    for field, states in DEADLINES.items():
        if order.status in states:
            return getattr(order, field)
    return None


def due_colour(order: Order, now: dt.datetime | None = None) -> str:
    """ "late" past the deadline, "soon" within a quarter of a day, "ok" otherwise, "" without one."""
    due = current_due(order)
    if due is None:
        return ""
    now = now or timezone.now()
    if due < now:
        return "late"
    if due - now < dt.timedelta(hours=6):
        return "soon"
    return "ok"


def hall(
    user: Any, team: Any, *, category: str | None = None, unit: Any = None, led: bool = False
) -> QuerySet[Order]:
    """The order hall of a leader's team: escalated (urgent) first, then newest. `led=True`: the caller took
    `team` from the user's own led teams, so they are not read again."""
    qs = policy.hall_orders_of(team) if led else policy.hall_orders(user, team)
    if category:
        qs = qs.filter(category=category)
    if unit is not None:
        qs = qs.filter(unit_path__startswith=unit.path)
    return _list(qs).order_by("-escalation_level", "-created_at")


# What a hall card shows and ranks by, and nothing else: no resident (masked anyway), no encrypted address, so a
# page of the hall decrypts nothing, and each of its rows loads a dozen columns of the order and three of its
# unit rather than all of both (the row decoding was a tenth of the page).
HALL_CARD_FIELDS = (
    "number", "title", "category", "status", "beneficiaries", "lat", "lng", "wanted_from", "wanted_to",
    "review_due", "claim_due", "complete_due", "unit__name", "unit__lat", "unit__lng",
)  # fmt: skip


HALL = "hall"  # the shared cache's space of rendered hall pages (core.hot), bumped by services._hall_changed


def hall_cards(user: Any, team: Any, *, category: str | None = None, unit: Any = None) -> QuerySet[Order]:
    """The hall page of a leader's team (`team` taken from the user's own led teams): the card's fields only."""
    qs = hall(user, team, category=category, unit=unit, led=True)
    return qs.select_related(None).select_related("unit").only(*HALL_CARD_FIELDS)


def resident_orders(resident: Any) -> QuerySet[Order]:
    return _list(Order.objects.filter(requester=resident)).order_by("-created_at")


def rated_ids(order_ids: list[int]) -> set[int]:
    """Which of these orders have a rating (one query for a page of a resident's orders)."""
    from civicloop.orders.models import OrderRating

    if not order_ids:
        return set()
    return set(OrderRating.objects.filter(order_id__in=order_ids).values_list("order_id", flat=True))


def team_tasks(team: Any) -> QuerySet[Order]:
    return _list(
        Order.objects.filter(team=team, status__in=TEAM_TASKS)
    ).order_by("complete_due", "-created_at")


def volunteer_tasks(volunteer: Any) -> QuerySet[Order]:
    return _list(
        Order.objects.filter(
            assignments__volunteer=volunteer, status__in=VOLUNTEER_TASKS
        )
    ).order_by("wanted_from", "-created_at")


def whistle_queue(user: Any) -> QuerySet[Whistle]:
    """Whistles raised to the user's units or asking the user's department; unanswered first."""
    return (
        policy.whistles_for(user)
        .select_related("order", "order__unit", "from_unit", "to_unit", "raised_by", "answered_by")
        .prefetch_related("departments")
        .annotate(
            open_first=Case(
                When(answered_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("open_first", "-created_at")
    )


def similar_open_orders(
    resident_or_unit: Any, category: str, title: str, *, limit: int = 5
) -> QuerySet[Order]:
    """Open orders of the same platform from the same resident or unit whose title shares words with this one."""
    from civicloop.people.models import Resident

    qs = Order.objects.filter(status__in=LIVE_STATES, category=category)
    if isinstance(resident_or_unit, Resident):
        qs = qs.filter(Q(requester=resident_or_unit) | Q(unit_id=resident_or_unit.unit_id))
    else:
        qs = qs.filter(unit_path__startswith=resident_or_unit.path)
    words = _keywords(title)
    if words:
        match = Q()
        for w in words:
            match |= Q(title__icontains=w)
        qs = qs.filter(match)
    return _list(qs).order_by("-created_at")[:limit]


def _keywords(title: str) -> list[str]:
    title = (title or "").strip()
    try:
        import jieba

        words = [w for w in jieba.lcut(title) if len(w.strip()) >= 2]
    except Exception:  # jieba missing: fall back to two-character windows
        words = [title[i : i + 2] for i in range(0, max(len(title) - 1, 0), 2)]
    return words[:8]


def follow_up_orders(user: Any) -> QuerySet[Order]:
    """Closed orders in the user's scope with a low (≤ 2), non-automatic rating."""
    return _list(
        Order.objects.filter(
            access.scope_q(user), status=S.CLOSED, rating__score__lte=2, rating__automatic=False
        )
    ).order_by("-closed_at")


def visible_order_list(
    user: Any, *, status: str | None = None, category: str | None = None
) -> QuerySet[Order]:
    qs = policy.visible_orders(user)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return _list(qs).order_by("-created_at")


def in_subtree(number: str, path: str) -> Order | None:
    """The order with this number under the unit path, for other apps linking to it (e.g. a need met by it)."""
    return Order.objects.filter(number=number.strip(), unit_path__startswith=path).first() if number else None


def whistle_figures(whistles: Any) -> dict[str, Any]:
    """Whistles by department (raised to it, accepted, closed, closed on time) over an already-scoped queryset;
    indexed reads grouped in the database."""
    from django.db.models import Count, F

    from civicloop.network.models import Unit

    rows = (
        Unit.objects.filter(whistles_to_department__in=whistles)
        .values("pk", "name")
        .annotate(
            asked=Count("whistles_to_department", distinct=True),
            closed=Count(
                "whistles_to_department",
                filter=Q(whistles_to_department__status="closed", whistles_to_department__department_id=F("pk")),
                distinct=True,
            ),
            on_time=Count(
                "whistles_to_department",
                filter=Q(whistles_to_department__on_time=True, whistles_to_department__department_id=F("pk")),
                distinct=True,
            ),
        )
        .order_by("-asked", "name")
    )
    totals = whistles.aggregate(
        total=Count("pk"), closed=Count("pk", filter=Q(status="closed")),
        on_time=Count("pk", filter=Q(on_time=True)), overdue=Count("pk", filter=Q(overdue_count__gt=0)),
    )
    return {"departments": list(rows), **totals}


def newest_orders(unit_path: str, limit: int = 8) -> QuerySet[Order]:
    """The latest orders in the subtree with what the big screen shows of them (no personal data)."""
    return (
        Order.objects.filter(unit_path__startswith=unit_path)
        .select_related("unit")
        .only("number", "title", "category", "status", "created_at", "unit__name")
        .order_by("-created_at")[:limit]
    )
