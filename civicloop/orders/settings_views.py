"""Unit settings pages: the deadlines, auto-dispatch rule, whistle departments and auto-rating delay each unit
works with, set by the office or the unit's own staff within scope, inherited down the tree."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import parse_id
from civicloop.network.models import Unit
from civicloop.orders import services
from civicloop.orders.policies import can_edit_unit_settings, settings_units


class UnitSettingsForm(forms.Form):
    review_hours = forms.IntegerField(label=gettext_lazy("Hours to review"), min_value=1, max_value=2160)
    claim_hours = forms.IntegerField(label=gettext_lazy("Hours to claim"), min_value=1, max_value=2160)
    complete_hours = forms.IntegerField(label=gettext_lazy("Hours to complete"), min_value=1, max_value=2160)
    auto_dispatch = forms.BooleanField(label=gettext_lazy("Dispatch automatically"), required=False)
    auto_dispatch_hours = forms.IntegerField(
        label=gettext_lazy("Dispatch after hours unclaimed"),
        min_value=1,
        max_value=720,
        help_text=gettext_lazy("An open order nobody claimed for this long goes to the best-matched team."),
    )
    auto_rating_days = forms.IntegerField(
        label=gettext_lazy("Days before an automatic rating"), min_value=1, max_value=60
    )
    whistle_departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Departments asked when an order is raised to this unit"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["whistle_departments"].queryset = Unit.objects.filter(
            path__startswith=unit.path[: Unit.steplen], is_active=True
        ).exclude(kind=Unit.Kind.PRACTICE).order_by("path")


def _unit(request: HttpRequest, pk: Any) -> Unit:
    unit_id = parse_id(pk)
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise Http404
    access.require(request, can_edit_unit_settings(request.user, unit), action="unit_settings_view", obj=unit)
    return unit


@login_required
def settings_list(request: HttpRequest) -> HttpResponse:
    """The units in scope with the settings they work with and whether each sets its own."""
    access.require(request, access.is_staff(request.user), action="unit_settings_list")
    page = Paginator(settings_units(request.user).order_by("path"), 50).get_page(request.GET.get("page"))
    found = services.unit_settings_many(list(page))
    rows = [(unit, found[unit.pk]) for unit in page]
    return render(request, "orders/unit_settings_list.html", {"page": page, "rows": rows})


@login_required
def settings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    current = services.unit_settings_for(unit)
    initial = {**current.as_dict(), "whistle_departments": [d.pk for d in current.departments]}
    form = UnitSettingsForm(request.POST if request.method == "POST" else None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.unit_settings_update(
                actor=request.user,
                unit=unit,
                review_hours=data["review_hours"],
                claim_hours=data["claim_hours"],
                complete_hours=data["complete_hours"],
                auto_dispatch=data["auto_dispatch"],
                auto_dispatch_hours=data["auto_dispatch_hours"],
                auto_rating_days=data["auto_rating_days"],
                whistle_departments=list(data["whistle_departments"]),
                request=request,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The settings of %(unit)s were saved.") % {"unit": unit.name})
            return redirect("orders:unit_settings", pk=unit.pk)
    return render(request, "orders/unit_settings.html", {"unit": unit, "current": current, "form": form})


@login_required
@require_POST
def settings_reset(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    try:
        services.unit_settings_reset(actor=request.user, unit=unit, request=request)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(unit)s inherits its settings again.") % {"unit": unit.name})
    return redirect("orders:unit_settings", pk=unit.pk)
