"""The recommendation panel (an htmx partial for the order page's dispatch dialog)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from civicloop import access
from civicloop.matching import selectors
from civicloop.matching.policies import can_view_recommendations
from civicloop.orders.selectors import order_detail

PANEL_LIMIT = 10


@login_required
@require_GET
def order_teams(request: HttpRequest, number: str) -> HttpResponse:
    order = order_detail(number)
    if order is None:
        raise Http404
    access.require(request, can_view_recommendations(request.user, order), action="matching.view", obj=order)
    matches = selectors.recommend_teams(order, limit=PANEL_LIMIT)
    volunteers = selectors.recommend_volunteers(order, matches[0].team, limit=5) if matches else []
    template = "matching/_teams.html" if request.headers.get("HX-Request") else "matching/order_teams.html"
    return render(
        request,
        template,
        {
            "order": order,
            "matches": matches,
            "volunteers": volunteers,
            "top": matches[0] if matches else None,
        },
    )
