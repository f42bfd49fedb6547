from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from civicloop import access
from civicloop.network.models import Unit


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="unit_tree")
    return render(request, "network/unit_tree.html", {"roots": access.staff_units(request.user)})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    access.require(request, access.in_scope(request.user, unit), action="unit_view", obj=unit)
    return render(request, "network/unit_detail.html", {"unit": unit, "children": unit.get_children()})
