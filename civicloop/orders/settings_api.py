"""Unit settings endpoints under /api/orders/: read and set a unit's deadlines, auto-dispatch rule, whistle
departments and auto-rating delay, and drop its own settings to inherit again. Same service and rules as the page."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from civicloop import access
from civicloop.core.schemas import Id
from civicloop.network.models import Unit
from civicloop.orders import services
from civicloop.orders.policies import can_edit_unit_settings


class UnitSettingsOut(Schema):
    unit_id: int
    own: bool
    source_unit_id: int | None
    review_hours: int
    claim_hours: int
    complete_hours: int
    auto_dispatch: bool
    auto_dispatch_hours: int
    auto_rating_days: int
    whistle_department_ids: list[int]


class UnitSettingsIn(Schema):
    review_hours: int = Field(..., ge=1, le=2160)
    claim_hours: int = Field(..., ge=1, le=2160)
    complete_hours: int = Field(..., ge=1, le=2160)
    auto_dispatch: bool = False
    auto_dispatch_hours: int = Field(24, ge=1, le=720)
    auto_rating_days: int = Field(7, ge=1, le=60)
    whistle_department_ids: list[Id] = []


def _unit(request: HttpRequest, id: int) -> Unit:
    unit = Unit.objects.filter(pk=id).first()
    if unit is None:
        raise Http404
    access.require(request, can_edit_unit_settings(request.user, unit), action="unit_settings_view", obj=unit)
    return unit


def _out(unit: Unit) -> dict:
    current = services.unit_settings_for(unit)
    return {
        "unit_id": unit.pk,
        "own": current.own,
        "source_unit_id": current.source.pk if current.source else None,
        **current.as_dict(),
    }


def register(router: Router) -> None:
    @router.get("/settings/units/{id}", response=UnitSettingsOut, tags=["unit settings"])
    def unit_settings_get(request: HttpRequest, id: Id) -> dict:
        """The settings the unit works with; `own` false means inherited from `source_unit_id` (null: defaults)."""
        return _out(_unit(request, id))

    @router.put("/settings/units/{id}", response=UnitSettingsOut, tags=["unit settings"])
    def unit_settings_put(request: HttpRequest, id: Id, payload: UnitSettingsIn) -> dict:
        unit = _unit(request, id)
        departments = list(Unit.objects.filter(pk__in=payload.whistle_department_ids))
        if len(departments) != len(set(payload.whistle_department_ids)):
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            raise ValidationError(_("Choose a unit from the list."))
        services.unit_settings_update(
            actor=request.user,
            unit=unit,
            review_hours=payload.review_hours,
            claim_hours=payload.claim_hours,
            complete_hours=payload.complete_hours,
            auto_dispatch=payload.auto_dispatch,
            auto_dispatch_hours=payload.auto_dispatch_hours,
            auto_rating_days=payload.auto_rating_days,
            whistle_departments=departments,
            request=request,
        )
        return _out(unit)

    @router.delete("/settings/units/{id}", response=UnitSettingsOut, tags=["unit settings"])
    def unit_settings_delete(request: HttpRequest, id: Id) -> dict:
        """Drop the unit's own settings (409 when it already inherits)."""
        unit = _unit(request, id)
        services.unit_settings_reset(actor=request.user, unit=unit, request=request)
        return _out(unit)


def register_whistles(router: Router) -> None:
    """`POST /api/orders/whistles/{id}/<step>` for the orders.whistle workflow, and the whistle figures."""
    from civicloop.orders import policies as order_policy
    from civicloop.orders import selectors
    from civicloop.orders.whistle_workflow import WHISTLE

    def lookup(request: HttpRequest, id: int) -> Any:
        whistle = order_policy.whistles_for(request.user).filter(pk=id).first()
        if whistle is None:
            raise Http404
        return whistle

    WHISTLE.add_api_steps(router, "/whistles", lookup, tags=["whistles"])

    @router.get("/whistles/figures", tags=["whistles"])
    def whistle_figures(request: HttpRequest) -> dict[str, Any]:
        """Whistles by department and on-time answers, over the whistles the caller may see."""
        user = request.user
        access.require(request, access.is_staff(user) or access.is_liaison(user), action="whistle_figures")
        return selectors.whistle_figures(order_policy.whistles_for(user))
