"""Activities API: list and detail of open activities, sign up, sign in/out with the QR token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from civicloop import access
from civicloop.activities import policies as policy
from civicloop.activities import services
from civicloop.activities.forms import ActivityForm, CancelForm, CloseForm
from civicloop.activities.models import Activity, Signup
from civicloop.core.forms import valid_or_400
from civicloop.core.pagination import LimitOffset
from civicloop.core.schemas import DecideIn, ErrorOut, Id, ReasonIn

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


class QrTokenIn(Schema):
    token: str


@router.get("/", response=list[ActivityOut], auth=None)
@paginate(LimitOffset)
def list_open(request: HttpRequest):
    """Published activities that are not over yet (public)."""
    return policy.open_activities().select_related("unit").order_by("starts_at", "id")


@router.get("/{int:pk}", response=ActivityDetailOut, auth=None)
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
def sign_in(request: HttpRequest, pk: int, payload: QrTokenIn):
    activity = get_object_or_404(Activity, pk=pk)
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="activity_scan", obj=activity)
    return services.signup_sign_in(activity=activity, volunteer=volunteer, token=payload.token)


@router.post("/{pk}/sign-out", response=SignupOut)
def sign_out(request: HttpRequest, pk: int, payload: QrTokenIn):
    activity = get_object_or_404(Activity, pk=pk)
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="activity_scan", obj=activity)
    return services.signup_sign_out(activity=activity, volunteer=volunteer, token=payload.token)


# --- organisers: the twins of the staff pages ------------------------------------------------------------------

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ActivityIn(Schema):
    """As on the page: `roles` is one role a line, "name quota" (e.g. "讲解员 5")."""

    unit: Id
    team: Id | None = None
    category: str
    title: str
    description: str = ""
    place: str = ""
    room: Id | None = None
    starts_at: dt.datetime
    ends_at: dt.datetime
    roles: str
    target_group: str = ""
    expected_audience: int = 0
    auto_accept: bool = True


class ActivityPatch(Schema):
    unit: Id | None = None
    team: Id | None = None
    category: str | None = None
    title: str | None = None
    description: str | None = None
    place: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    roles: str | None = None
    target_group: str | None = None
    expected_audience: int | None = None
    auto_accept: bool | None = None


class PresentIn(Schema):
    present: bool


class CloseIn(Schema):
    people_served: int
    summary: str


class CloseOut(Schema):
    id: int
    status: str
    credited: int


class StaffSignupOut(SignupOut):
    volunteer_id: int
    volunteer_name: str

    @staticmethod
    def resolve_volunteer_name(obj: Signup) -> str:
        return obj.volunteer.masked_name if hasattr(obj.volunteer, "masked_name") else str(obj.volunteer)


def _form_kwargs(user: Any) -> dict[str, Any]:
    return {
        "units": policy.creatable_units(user).order_by("path"),
        "teams": access.visible_teams(user).filter(is_active=True).order_by("name"),
    }


def _managed(request: HttpRequest, pk: int, action: str) -> Activity:
    activity = get_object_or_404(Activity.objects.select_related("unit", "team"), pk=pk)
    access.require(request, policy.can_manage_activity(request.user, activity), action=action, obj=activity)
    return activity


def _form_data(payload: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in payload.items() if v is not None}
    for key in ("starts_at", "ends_at"):
        if isinstance(data.get(key), dt.datetime):
            data[key] = data[key].isoformat()
    if data.get("auto_accept") is False:
        data.pop("auto_accept")  # an unchecked box is an absent field
    return data


def _organiser_ok(user: Any, data: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    unit, team = data["unit"], data["team"]
    if not (access.in_scope(user, unit) or (team is not None and team.leader_id == user.pk)):
        raise ValidationError({"team": [_("Choose the team you lead as the organiser.")]})


@router.get("/managed", response={200: list[ActivityOut], **ERRORS}, summary="我管理的活动 · Activities I manage")
@paginate(LimitOffset)
def managed(request: HttpRequest, status: str | None = None) -> Any:
    qs = policy.visible_activities(request.user).select_related("unit").order_by("-starts_at", "-pk")
    return qs.filter(status=status) if status else qs


@router.post("/", response={201: ActivityDetailOut, **ERRORS}, summary="新建活动 · Create an activity (draft)")
def create(request: HttpRequest, payload: ActivityIn) -> Any:
    access.require(request, policy.can_create_activity(request.user), action="activity_create")
    from civicloop.network.policies import bookable_rooms

    data = valid_or_400(ActivityForm(_form_data(payload.dict()), rooms=bookable_rooms(request.user), **_form_kwargs(request.user)))
    _organiser_ok(request.user, data)
    activity = services.activity_create(actor=request.user, **data)
    return Status(201, activity)


@router.patch("/{int:pk}", response={200: ActivityDetailOut, **ERRORS}, summary="修改活动 · Change an activity")
def update(request: HttpRequest, pk: Id, payload: ActivityPatch) -> Any:
    activity = _managed(request, pk, "activity_edit")
    current = {
        "unit": activity.unit_id,
        "team": activity.team_id,
        "category": activity.category,
        "title": activity.title,
        "description": activity.description,
        "place": activity.place,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "roles": ActivityForm.roles_text(activity),
        "target_group": activity.target_group,
        "expected_audience": activity.expected_audience,
        "auto_accept": activity.auto_accept,
    }
    merged = {**current, **payload.dict(exclude_unset=True)}
    data = valid_or_400(ActivityForm(_form_data(merged), **_form_kwargs(request.user)))
    roles = data.pop("roles")
    return services.activity_update(activity=activity, actor=request.user, roles=roles, **data)


@router.post("/{pk}/publish", response={200: ActivityDetailOut, **ERRORS}, summary="发布活动 · Publish")
def publish(request: HttpRequest, pk: Id) -> Any:
    activity = _managed(request, pk, "activity_publish")
    services.activity_publish(activity=activity, actor=request.user)
    return activity


@router.post("/{pk}/cancel", response={200: ActivityDetailOut, **ERRORS}, summary="取消活动 · Cancel, with a reason")
def cancel(request: HttpRequest, pk: Id, payload: ReasonIn) -> Any:
    activity = _managed(request, pk, "activity_cancel")
    data = valid_or_400(CancelForm(payload.dict()))
    services.activity_cancel(activity=activity, actor=request.user, reason=data["reason"])
    return activity


@router.get(
    "/{pk}/signups", response={200: list[StaffSignupOut], **ERRORS}, summary="报名名单 · Sign-ups (organisers)"
)
@paginate(LimitOffset)
def signups(request: HttpRequest, pk: int) -> Any:  # not Id: @paginate hides this module's names from ninja
    from civicloop.activities import selectors

    activity = _managed(request, pk, "activity_view")
    return selectors.signups_for(activity)


def _signup_for_organiser(request: HttpRequest, pk: int, action: str) -> Signup:
    signup = get_object_or_404(Signup.objects.select_related("activity__team", "volunteer"), pk=pk)
    access.require(request, policy.can_decide_signup(request.user, signup), action=action, obj=signup)
    return signup


@router.post(
    "/signups/{pk}/decide", response={200: SignupOut, **ERRORS}, summary="审核报名 · Approve or decline a sign-up"
)
def decide(request: HttpRequest, pk: Id, payload: DecideIn) -> Any:
    signup = _signup_for_organiser(request, pk, "signup_decide")
    services.signup_decide(signup=signup, approve=payload.approve, actor=request.user)
    signup.refresh_from_db()
    return signup


@router.post(
    "/signups/{pk}/roll-call", response={200: SignupOut, **ERRORS}, summary="点名 · Mark present or absent"
)
def roll_call(request: HttpRequest, pk: Id, payload: PresentIn) -> Any:
    signup = _signup_for_organiser(request, pk, "roll_call")
    services.signup_roll_call(signup=signup, present=payload.present, actor=request.user)
    signup.refresh_from_db()
    return signup


@router.post(
    "/signups/{pk}/withdraw", response={200: SignupOut, **ERRORS}, summary="取消报名 · Withdraw my sign-up"
)
def withdraw(request: HttpRequest, pk: Id) -> Any:
    signup = get_object_or_404(Signup.objects.select_related("activity", "volunteer"), pk=pk)
    access.require(request, policy.can_withdraw_signup(request.user, signup), action="signup_withdraw", obj=signup)
    services.signup_withdraw(signup=signup, actor=request.user)
    signup.refresh_from_db()
    return signup


@router.get("/mine", response={200: list[SignupOut], **ERRORS}, summary="我的报名 · My sign-ups")
@paginate(LimitOffset)
def mine(request: HttpRequest) -> Any:
    return policy.my_signups(request.user).order_by("-pk")


@router.post(
    "/{pk}/close", response={200: CloseOut, **ERRORS}, summary="结束活动并记录时长 · Close and credit hours"
)
def close(request: HttpRequest, pk: Id, payload: CloseIn) -> Any:
    activity = _managed(request, pk, "activity_close")
    data = valid_or_400(CloseForm(payload.dict()))
    rows = services.activity_close(
        activity=activity,
        actor=request.user,
        people_served=data["people_served"],
        summary=data["summary"],
        photos=[],
    )
    activity.refresh_from_db()
    return {"id": activity.pk, "status": activity.status, "credited": len(rows)}


class QrOut(Schema):
    kind: str
    token: str
    url: str


@router.get(
    "/{pk}/qr/{kind}", response={200: QrOut, **ERRORS}, summary="签到二维码 · The current sign-in/out QR code"
)
def qr(request: HttpRequest, pk: Id, kind: str) -> Any:
    """What the organiser's console shows: the code turns every minute; volunteers send its token to sign-in or
    sign-out."""
    from django.core.exceptions import ValidationError
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if kind not in ("in", "out"):
        raise ValidationError(_("The code is for signing in (in) or out (out)."))
    activity = _managed(request, pk, "activity_console")
    token = services.qr_token(activity.pk, kind)
    url = request.build_absolute_uri(reverse("activities:scan", args=[activity.pk, kind, token]))
    return {"kind": kind, "token": token, "url": url}


# --- 扫一扫 and the volunteer card (电子志愿者证) ------------------------------------------------------------------


class ScanIn(Schema):
    """What the camera read (or the volunteer pasted): the link of the organiser's sign-in or sign-out code."""

    code: str


class ScanOut(Schema):
    ok: bool
    message: str


@router.post(
    "/scan", response={200: ScanOut, **ERRORS}, summary="扫一扫签到签退 · Sign in or out with a scanned code"
)
def scan(request: HttpRequest, payload: ScanIn) -> Any:
    """The twin of the 扫一扫 page: the code's own activity and direction decide sign-in or sign-out; a code that
    is not an activity's, expired or refused answers 400/409 with the page's message."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="activity_scan")
    parsed = services.parse_scan_code(payload.code)
    activity = Activity.objects.filter(pk=parsed[0]).first() if parsed else None
    if parsed is None or activity is None:
        raise ValidationError(_("This is not a sign-in code of an activity. Scan the code on the organiser's screen."))
    _pk, kind, token = parsed
    if kind == "in":
        services.signup_sign_in(activity=activity, volunteer=volunteer, token=token)
        return {"ok": True, "message": _("Signed in to %(title)s. Thank you for serving!") % {"title": activity.title}}
    services.signup_sign_out(activity=activity, volunteer=volunteer, token=token)
    return {
        "ok": True,
        "message": _(
            "Signed out of %(title)s. Your hours will be credited when the organiser closes the activity."
        )
        % {"title": activity.title},
    }


class CardOut(Schema):
    name: str
    number: str
    teams: list[str]
    hours: str
    token: str
    expires_in: int


@router.get("/card", response={200: CardOut, **ERRORS}, summary="电子志愿者证 · My volunteer card and its code")
def card(request: HttpRequest) -> Any:
    """The masked name, teams, hours and a signed code that works once, for `expires_in` seconds; an organiser
    sends it to /activities/{id}/card-scan."""
    from civicloop.records.services import volunteer_total_hours

    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="volunteer_card")
    teams = volunteer.team_memberships.filter(team__is_active=True).values_list("team__name", flat=True)
    return {
        "name": request.user.masked_name,
        "number": volunteer.number,
        "teams": list(teams),
        "hours": str(volunteer_total_hours(volunteer)),
        "token": services.volunteer_card_token(volunteer),
        "expires_in": services.CARD_TOKEN_SECONDS,
    }


class CardScanIn(Schema):
    token: str
    kind: str = "in"


@router.post(
    "/{pk}/card-scan",
    response={200: StaffSignupOut, **ERRORS},
    summary="扫志愿者证签到签退 · Sign a volunteer in or out by their card",
)
def card_scan(request: HttpRequest, pk: Id, payload: CardScanIn) -> Any:
    """The console's card scan: `kind` "in" or "out"; only an organiser of this activity; an expired or already
    used code answers 400 with the reason."""
    activity = _managed(request, pk, "activity_card_scan")
    return services.signup_card_scan(activity=activity, actor=request.user, token=payload.token, kind=payload.kind)
