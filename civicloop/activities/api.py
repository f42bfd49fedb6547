"""Activities API: list and detail of open activities, sign up, sign in/out with the QR token."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from civicloop import access
from civicloop.access import activities as policy
from civicloop.activities import services
from civicloop.activities.models import Activity
from civicloop.core.pagination import LimitOffset
from civicloop.core.schemas import Id

router = Router(tags=["activities"])


class RoleOut(Schema):
    id: int
    name: str
    quota: int
    filled: int


class ActivityOut(Schema):
    id: int
    title: str
    category: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    unit_name: str
    people_served: int

    @staticmethod
    def resolve_unit_name(obj: Activity) -> str:
        return obj.unit.name


class ActivityDetailOut(ActivityOut):
    description: str
    roles: list[RoleOut]

    @staticmethod
    def resolve_roles(obj: Activity) -> list:
        return list(obj.roles.all())


class SignupIn(Schema):
    role_id: Id | None = None


class SignupOut(Schema):
    id: int
    activity_id: int
    role_id: int
    status: str
    signed_in_at: dt.datetime | None = None
    signed_out_at: dt.datetime | None = None


class TokenIn(Schema):
    token: str


@router.get("/", response=list[ActivityOut], auth=None)
@paginate(LimitOffset)
def list_open(request: HttpRequest):
    """Published activities that are not over yet (public)."""
    return policy.open_activities().select_related("unit").order_by("starts_at", "id")


@router.get("/{pk}", response=ActivityDetailOut, auth=None)
def detail(request: HttpRequest, pk: int):
    return get_object_or_404(
        policy.public_activities().select_related("unit").prefetch_related("roles"), pk=pk
    )


@router.post("/{pk}/signup", response={201: SignupOut})
def signup(request: HttpRequest, pk: int, payload: SignupIn):
    activity = get_object_or_404(policy.public_activities(), pk=pk)
    access.require(request, policy.can_sign_up(request.user, activity), action="signup_create", obj=activity)
    role = activity.roles.filter(pk=payload.role_id).first() if payload.role_id else None
    return Status(
        201, services.signup_create(activity=activity, volunteer=access.volunteer_of(request.user), role=role)
    )


@router.post("/{pk}/sign-in", response=SignupOut)
def sign_in(request: HttpRequest, pk: int, payload: TokenIn):
    activity = get_object_or_404(Activity, pk=pk)
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="activity_scan", obj=activity)
    return services.signup_sign_in(activity=activity, volunteer=volunteer, token=payload.token)


@router.post("/{pk}/sign-out", response=SignupOut)
def sign_out(request: HttpRequest, pk: int, payload: TokenIn):
    activity = get_object_or_404(Activity, pk=pk)
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="activity_scan", obj=activity)
    return services.signup_sign_out(activity=activity, volunteer=volunteer, token=payload.token)
