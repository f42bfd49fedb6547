"""Recommendations over the API: GET /api/matching/orders/{number}/teams."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from civicloop import access
from civicloop.matching import selectors
from civicloop.matching.policies import can_view_recommendations
from civicloop.orders.selectors import order_detail

router = Router(tags=["matching"])


class PartsOut(Schema):
    distance: float
    category: float
    capacity: float
    availability: float
    rating: float
    response: float


class TeamMatchOut(Schema):
    team_id: int
    team_name: str
    score: float
    parts: PartsOut
    distance_km: float | None
    category_fit: bool
    open_load: int
    capacity: int
    has_capacity: bool
    available: bool | None
    rating: float | None
    rating_count: int
    response_minutes: int | None
    explanation: str


@router.get("/orders/{number}/teams", response=list[TeamMatchOut])
def order_teams(request: HttpRequest, number: str, limit: int = 10) -> list[dict]:
    """Teams ranked for an order, best first, with the score parts and the explanation shown to dispatchers."""
    order = order_detail(number)
    if order is None:
        raise HttpError(404, _("This order does not exist."))
    access.require(request, can_view_recommendations(request.user, order), action="matching.view", obj=order)
    limit = max(1, min(limit, 50))
    return [m.as_dict() for m in selectors.recommend_teams(order, limit=limit)]
