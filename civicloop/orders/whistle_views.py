"""A whistle's page: its state, the department's panel (accept, assign, close), its timeline; whistle figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from civicloop import access
from civicloop.core.forms import parse_id
from civicloop.orders import policies as policy
from civicloop.orders import selectors
from civicloop.orders.models import Whistle
from civicloop.orders.whistle_workflow import WHISTLE, form_kwargs


def _whistle(request: HttpRequest, pk: object) -> Whistle:
    whistle_id = parse_id(pk)
    whistle = (
        policy.whistles_for(request.user).select_related("order", "to_unit", "from_unit", "department")
        .filter(pk=whistle_id).first() if whistle_id else None
    )
    if whistle is None:
        if whistle_id and Whistle.objects.filter(pk=whistle_id).exists():
            raise access.deny(request, action="whistle_view")
        raise Http404
    return whistle


@login_required
def whistle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    whistle = _whistle(request, pk)
    return render(request, "orders/whistle_detail.html", {"w": whistle, "form_kwargs": form_kwargs(whistle)})


@login_required
def whistle_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    whistle = _whistle(request, pk)
    if step not in WHISTLE.steps:
        raise Http404
    access.require(request, WHISTLE.steps[step].allowed(request.user, whistle), action=f"orders.whistle.{step}",
                   obj=whistle)
    return WHISTLE.handle_page(request, whistle, step, next_url=f"/orders/whistles/{whistle.pk}/",
                               success=_("Done: %(step)s.") % {"step": WHISTLE.steps[step].label},
                               form_kwargs=form_kwargs(whistle).get(step))


@login_required
def whistle_figures(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(request, access.is_staff(user) or access.is_liaison(user), action="whistle_figures")
    figures = selectors.whistle_figures(policy.whistles_for(user))
    return render(request, "orders/whistle_figures.html", {"f": figures})
