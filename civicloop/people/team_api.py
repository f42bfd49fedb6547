"""Team endpoints under /api/people/ (registered on the people router): found, read, edit, members, join
requests, and one `POST /teams/{id}/<step>` per step of the `people.team` workflow (approve, reject, handover,
remove_member, leave, suspend, resume, dissolve) and `POST /team-requests/{id}/<step>` (approve, decline,
withdraw). Same services, policies and messages as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from civicloop import access
from civicloop.core.schemas import Id
from civicloop.network.models import Unit
from civicloop.people import policies, selectors, services
from civicloop.people.models import Team, TeamRequest
from civicloop.people.workflow import TEAM, TEAM_REQUEST


class TeamIn(Schema):
    name: str = Field(..., max_length=100)
    team_type: str = Field(..., max_length=32)
    home_unit_id: Id
    served_unit_ids: list[Id] = []
    categories: list[str] = []
    capacity: int = Field(3, ge=1, le=100)
    leader_number: str = Field("", max_length=20)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)
    description: str = Field("", max_length=2000)


class TeamPatch(Schema):
    name: str | None = Field(None, max_length=100)
    team_type: str | None = Field(None, max_length=32)
    categories: list[str] | None = None
    capacity: int | None = Field(None, ge=1, le=100)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=2000)


class TeamDetailOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    version: int
    team_type: str
    home_unit_id: int
    home_unit: str
    served_unit_ids: list[int]
    categories: list[str]
    capacity: int
    leader: str | None
    contact_name: str
    contact_phone: str
    members: int
    orders_served: int
    orders_in_hand: int
    hours: Decimal
    ratings: int
    rating_avg: float | None


class MemberOut(Schema):
    volunteer_id: int
    number: str
    name: str
    phone: str
    is_leader: bool
    categories: list[str]


class RequestIn(Schema):
    message: str = Field("", max_length=300)


class InviteIn(Schema):
    volunteer_number: str = Field(..., max_length=20)
    message: str = Field("", max_length=300)


class RequestOut(Schema):
    id: int
    team_id: int
    kind: str
    status: str
    volunteer_number: str
    volunteer_name: str
    message: str
    created_at: dt.datetime


def _team(request: HttpRequest, id: int, action: str = "people.team.view") -> Team:
    team = selectors.team_detail(id)
    if team is None:
        raise Http404
    access.require(request, policies.can_view_team(request.user, team), action=action, obj=team)
    return team


def _detail(request: HttpRequest, team: Team) -> dict:
    figures = selectors.team_figures(team)
    state = TEAM.state(team)
    full = policies.can_run_team(request.user, team)
    return {
        "id": team.pk,
        "name": team.name,
        "status": team.status,
        "status_label": str(state.label),
        "version": team.version,
        "team_type": team.team_type,
        "home_unit_id": team.home_unit_id,
        "home_unit": team.home_unit.name,
        "served_unit_ids": sorted(u.pk for u in team.served_units.all()),
        "categories": team.categories,
        "capacity": team.capacity,
        "leader": team.leader.display_name if team.leader else None,
        "contact_name": team.contact_name,
        "contact_phone": team.contact_phone if full else team.masked_contact_phone,
        "members": team.memberships.count(),
        "orders_served": figures.orders_served,
        "orders_in_hand": figures.orders_open,
        "hours": figures.hours,
        "ratings": figures.ratings,
        "rating_avg": figures.rating_avg,
    }


def _request_out(row: TeamRequest) -> dict:
    return {
        "id": row.pk,
        "team_id": row.team_id,
        "kind": row.kind,
        "status": row.status,
        "volunteer_number": row.volunteer.number,
        "volunteer_name": row.volunteer.user.masked_name,
        "message": row.message,
        "created_at": row.created_at,
    }


def register(router: Router) -> None:
    @router.post("/teams", response={201: TeamDetailOut}, tags=["teams"])
    def team_found(request: HttpRequest, payload: TeamIn) -> Status:
        """Found a team (staff of a unit, or a volunteer who then leads it); it waits for the unit's approval."""
        user = request.user
        access.require(request, policies.can_found_team(user), action="people.team.found")
        units = policies.found_units(user)
        home = units.filter(pk=payload.home_unit_id).first()
        if home is None:
            if Unit.objects.filter(pk=payload.home_unit_id).exists():
                raise access.deny(request, action="people.team.found")
            raise ValidationError(_("Choose a unit from the list."))
        served = list(Unit.objects.filter(pk__in=payload.served_unit_ids))
        if len(served) != len(set(payload.served_unit_ids)):
            raise ValidationError(_("Choose a unit from the list."))
        team = services.team_found(
            actor=user,
            name=payload.name,
            team_type=payload.team_type,
            home_unit=home,
            served_units=served,
            categories=payload.categories,
            capacity=payload.capacity,
            leader_number=payload.leader_number,
            contact_name=payload.contact_name,
            contact_phone=payload.contact_phone,
            description=payload.description,
            request=request,
        )
        return Status(201, _detail(request, selectors.team_detail(team.pk)))

    @router.get("/teams/{id}", response=TeamDetailOut, tags=["teams"])
    def team_get(request: HttpRequest, id: Id) -> dict:
        """A team in any state: details, members count, orders served and in hand, hours, ratings."""
        return _detail(request, _team(request, id))

    @router.patch("/teams/{id}", response=TeamDetailOut, tags=["teams"])
    def team_patch(request: HttpRequest, id: Id, payload: TeamPatch) -> dict:
        team = _team(request, id, "people.team.update")
        access.require(request, policies.can_run_team(request.user, team), action="people.team.update", obj=team)
        changes = payload.dict(exclude_unset=True)
        changes = {k: ("" if v is None and k in ("contact_name", "contact_phone", "description") else v)
                   for k, v in changes.items()}
        if any(v is None for v in changes.values()):
            raise ValidationError(_("This field cannot be empty."))
        if changes:
            services.team_update(actor=request.user, team=team, request=request, **changes)
        return _detail(request, selectors.team_detail(team.pk))

    @router.get("/teams/{id}/members", response=list[MemberOut], tags=["teams"])
    def team_members(request: HttpRequest, id: Id) -> list[dict]:
        """The members with their volunteer ids (what `POST /api/orders/{number}/assign` takes): for the leader,
        the members and the owning unit's staff."""
        team = _team(request, id, "people.team.members")
        access.require(
            request, policies.can_list_team_members(request.user, team), action="people.team.members", obj=team
        )
        return [
            {
                "volunteer_id": v.pk,
                "number": v.number,
                "name": v.user.display_name,
                "phone": v.user.masked_phone,
                "is_leader": v.user_id == team.leader_id,
                "categories": v.categories,
            }
            for v in selectors.team_members(team)[:500]
        ]

    @router.get("/teams/{id}/requests", response=list[RequestOut], tags=["teams"])
    def team_requests(request: HttpRequest, id: Id, status: str = "pending") -> list[dict]:
        team = _team(request, id, "people.team.requests")
        rows = policies.visible_team_requests(request.user, team).select_related("volunteer__user")
        if status:
            rows = rows.filter(status=status[:16])
        return [_request_out(r) for r in rows.order_by("-created_at")[:200]]

    @router.post("/teams/{id}/apply", response={201: RequestOut}, tags=["teams"])
    def team_apply(request: HttpRequest, id: Id, payload: RequestIn) -> Status:
        """A volunteer asks to join an active team (409 when already a member or already waiting)."""
        team = _team(request, id, "people.team.apply")
        access.require(request, access.volunteer_of(request.user) is not None, action="people.team.apply", obj=team)
        row = services.team_apply(actor=request.user, team=team, message=payload.message, request=request)
        return Status(201, _request_out(row))

    @router.post("/teams/{id}/invite", response={201: RequestOut}, tags=["teams"])
    def team_invite(request: HttpRequest, id: Id, payload: InviteIn) -> Status:
        team = _team(request, id, "people.team.invite")
        access.require(request, policies.can_run_team(request.user, team), action="people.team.invite", obj=team)
        row = services.team_invite(
            actor=request.user,
            team=team,
            volunteer_number=payload.volunteer_number,
            message=payload.message,
            request=request,
        )
        return Status(201, _request_out(row))

    def team_lookup(request: HttpRequest, id: int) -> Team:
        return _team(request, id, "people.team.step")

    def request_lookup(request: HttpRequest, id: int) -> TeamRequest:
        row = TeamRequest.objects.select_related("team", "volunteer__user").filter(pk=id).first()
        if row is None or not (
            policies.can_decide_request(request.user, row) or policies.can_withdraw_request(request.user, row)
            or policies.can_view_team(request.user, row.team)
        ):
            raise Http404
        return row

    TEAM.add_api_steps(router, "/teams", team_lookup, tags=["teams"])
    TEAM_REQUEST.add_api_steps(router, "/team-requests", request_lookup, tags=["teams"])
