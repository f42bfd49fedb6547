"""JSON API for the unit tree, mounted at /api/network/. Same access rules and messages as the pages."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from civicloop import access
from civicloop.core.pagination import MAX_PAGE
from civicloop.network import policies as policy
from civicloop.network import selectors, services
from civicloop.network.models import Unit

router = Router(tags=["network"])
PAGE_SIZE = 50
TEXT_FIELDS = ("name", "division_code", "industry", "address", "contact_name", "contact_phone", "description")


class CountsOut(Schema):
    children: int
    volunteers: int
    teams: int
    residents: int


class UnitOut(Schema):
    id: int
    parent_id: int | None
    name: str
    level: str
    kind: str
    depth: int
    division_code: str
    industry: str
    address: str
    lat: float | None
    lng: float | None
    contact_name: str
    contact_phone: str
    description: str
    is_active: bool
    counts: CountsOut


class UnitPage(Schema):
    count: int
    page: int
    pages: int
    items: list[UnitOut]


class UnitPatch(Schema):
    name: str | None = Field(None, max_length=100)
    division_code: str | None = Field(None, max_length=12)
    industry: str | None = Field(None, max_length=50)
    address: str | None = Field(None, max_length=200)
    lat: float | None = None
    lng: float | None = None
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=20)
    description: str | None = None


class UnitIn(UnitPatch):
    name: str = Field(..., max_length=100)
    kind: str = Unit.Kind.PRACTICE


def _out(row: selectors.UnitRow, parent_ids: dict[int, int | None]) -> dict[str, Any]:
    unit = row.unit
    data = {name: getattr(unit, name) for name in UnitOut.model_fields if name not in ("parent_id", "counts")}
    data["parent_id"] = parent_ids.get(unit.pk)
    data["counts"] = vars(row.counts)
    return data


def _rows_out(user: Any, units: list[Unit]) -> list[dict[str, Any]]:
    """Units with counts and parent ids, by a fixed number of queries."""
    parent_paths = {u.pk: u.path[: -Unit.steplen] for u in units if u.depth > 1}
    parents = dict(Unit.objects.filter(path__in=set(parent_paths.values())).values_list("path", "pk"))
    parent_ids = {pk: parents.get(path) for pk, path in parent_paths.items()}
    return [_out(row, parent_ids) for row in selectors.unit_rows(user, units)]


def _unit(request: HttpRequest, unit_id: int, *, action: str, allowed: Any) -> Unit:
    unit = get_object_or_404(Unit, pk=unit_id)
    access.require(request, allowed(request.user, unit), action=action, obj=unit)
    return unit


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ("" if v is None and k in TEXT_FIELDS else v) for k, v in data.items()}


@router.get("/units", response=UnitPage)
def list_units(
    request: HttpRequest, parent: int | None = None, page: int = Query(1, le=MAX_PAGE)
) -> dict[str, Any]:
    """Units the caller may see, in tree order; with `parent`, only that unit's children."""
    access.require(request, access.is_staff(request.user), action="unit_tree")
    if parent is not None:
        parent_unit = _unit(request, parent, action="unit_view", allowed=policy.can_view_unit)
        units = selectors.unit_children(request.user, parent_unit)
    else:
        units = access.visible_units(request.user).order_by("path")
    if page < 1:
        raise ValidationError(_("The page number must be 1 or more."))
    count = units.count()
    chunk = list(units[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return {
        "count": count,
        "page": page,
        "pages": max(1, math.ceil(count / PAGE_SIZE)),
        "items": _rows_out(request.user, chunk),
    }


@router.get("/units/{unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    unit = _unit(request, unit_id, action="unit_view", allowed=policy.can_view_unit)
    return _rows_out(request.user, [unit])[0]


@router.patch("/units/{unit_id}", response=UnitOut)
def patch_unit(request: HttpRequest, unit_id: int, payload: UnitPatch) -> dict[str, Any]:
    unit = _unit(request, unit_id, action="unit_update", allowed=access.can_edit_unit)
    changes = _clean(payload.dict(exclude_unset=True))
    if changes:
        services.unit_update(unit=unit, actor=request.user, **changes)
    return _rows_out(request.user, [Unit.objects.get(pk=unit.pk)])[0]


@router.post("/units/{unit_id}/children", response={201: UnitOut})
def create_child(request: HttpRequest, unit_id: int, payload: UnitIn) -> Status:
    parent = _unit(request, unit_id, action="unit_create", allowed=access.can_add_child_unit)
    data = _clean(payload.dict(exclude_unset=True))
    child = services.unit_create(
        parent=parent,
        name=data.pop("name"),
        kind=data.pop("kind", Unit.Kind.PRACTICE),
        actor=request.user,
        **data,
    )
    return Status(201, _rows_out(request.user, [child])[0])


# --- roles in a unit (the twins of the unit page's grant and revoke forms) -------------------------------------


class GrantIn(Schema):
    username: str
    role: str
    title: str = ""


class MembershipOut(Schema):
    id: int
    unit_id: int
    user_id: int
    username: str
    role: str
    title: str

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return obj.user.username


def _errors() -> dict[int, Any]:
    from civicloop.core.schemas import ErrorOut

    return {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post(
    "/units/{unit_id}/memberships",
    response={201: MembershipOut, **_errors()},
    summary="授予角色 · Grant a role in a unit",
)
def grant_role(request: HttpRequest, unit_id: int, payload: GrantIn) -> Any:
    from civicloop.core.forms import valid_or_400
    from civicloop.network.forms import GrantForm

    unit = get_object_or_404(Unit, pk=unit_id)
    access.require(request, policy.can_manage_roles(request.user, unit), action="role_grant", obj=unit)
    d = valid_or_400(GrantForm(payload.dict()))
    person = selectors.account_by_username(d["username"])
    if person is None:
        raise ValidationError({"username": [_("No account has this username.")]})
    membership = services.membership_grant(user=person, unit=unit, role=d["role"], title=d["title"], actor=request.user)
    return Status(201, membership)


@router.delete(
    "/memberships/{membership_id}", response={204: None, **_errors()}, summary="撤销角色 · Revoke a role"
)
def revoke_role(request: HttpRequest, membership_id: int) -> Any:
    from civicloop.network.models import Membership

    membership = get_object_or_404(Membership.objects.select_related("unit", "user"), pk=membership_id)
    access.require(
        request, policy.can_revoke_membership(request.user, membership), action="role_revoke", obj=membership
    )
    services.membership_revoke(membership=membership, actor=request.user)
    return Status(204, None)


# Venues, rooms and bookings (阵地叠加整合).
from civicloop.network import venue_api  # noqa: E402

venue_api.register(router)


class PlaceOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    unit_id: int | None
    opened_on: Any = None


class CoverageOut(Schema):
    town_count: int
    towns_covered: int
    town_rate: float | None
    village_count: int
    villages_covered: int
    village_rate: float | None
    places: list[PlaceOut]


class PlaceLinkIn(Schema):
    unit_id: int | None = Field(None, ge=1)
    opened_on: Any = None


@router.get("/coverage", response=CoverageOut, tags=["coverage"])
def coverage(request: HttpRequest) -> dict[str, Any]:
    """Every town/street and village/community with its covering 所/站 and opening date; coverage rates."""
    access.require(request, access.is_office(request.user), action="coverage_view")
    c = selectors.coverage()
    places = []
    for town in c["towns"]:
        places.append(town.place)
        places.extend(v.place for v in town.children)
    return {**{k: v for k, v in c.items() if k != "towns"}, "places": places}


@router.post("/places/{place_id}/link", response=PlaceOut, tags=["coverage"])
def place_link(request: HttpRequest, place_id: int, payload: PlaceLinkIn) -> Any:
    import datetime as dt

    from civicloop.network.models import Place

    access.require(request, access.is_office(request.user), action="place_link")
    place = get_object_or_404(Place, pk=place_id)
    unit = get_object_or_404(Unit, pk=payload.unit_id) if payload.unit_id else None
    opened = None
    if payload.opened_on:
        try:
            opened = dt.date.fromisoformat(str(payload.opened_on))
        except ValueError as exc:
            raise ValidationError(_("Enter a valid date.")) from exc
    return services.place_link(actor=request.user, place=place, unit=unit, opened_on=opened)
