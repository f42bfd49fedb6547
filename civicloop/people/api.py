"""People API (/api/people/): the signed-in person, scoped and masked lists, staff entry of residents.

Same rules and messages as the pages: every endpoint asks the access package; lists are paginated and masked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from civicloop import access
from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_record
from civicloop.core.choices import FocusGroup
from civicloop.core.forms import form_data
from civicloop.network.models import Unit
from civicloop.people import selectors, services
from civicloop.people.models import Resident

router = Router(tags=["people"])


class ResidentOut(Schema):
    id: int
    name: str
    phone: str
    address: str
    unit_id: int
    unit: str
    entered_by_staff: bool
    created_at: dt.datetime


class ResidentPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ResidentOut]


class VolunteerOut(Schema):
    id: int
    number: str
    name: str
    phone: str
    home_unit_id: int
    home_unit: str
    types: list[str]
    categories: list[str]


class VolunteerPage(Schema):
    count: int
    page: int
    pages: int
    items: list[VolunteerOut]


class TeamOut(Schema):
    id: int
    name: str
    team_type: str
    home_unit_id: int
    home_unit: str
    leader: str | None
    categories: list[str]
    capacity: int
    members: int


class TeamPage(Schema):
    count: int
    page: int
    pages: int
    items: list[TeamOut]


class MeOut(Schema):
    id: int
    username: str
    name: str
    phone: str
    roles: list[str]
    resident_id: int | None
    volunteer_number: str | None
    staff_units: list[str]


class ResidentIn(Schema):
    name: str = Field(..., max_length=50)
    unit_id: int
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=18)
    address: str = Field("", max_length=200)
    birth_date: dt.date | None = None
    focus_groups: list[str] = []
    guardian_name: str = Field("", max_length=50)
    guardian_phone: str = Field("", max_length=20)
    guardian_consent: bool = False
    consent: bool = False


def _resident_out(r: Resident) -> dict:
    return {
        "id": r.pk,
        "name": r.masked_name,
        "phone": r.masked_phone,
        "address": r.masked_address,
        "unit_id": r.unit_id,
        "unit": r.unit.name,
        "entered_by_staff": r.user_id is None,
        "created_at": r.created_at,
    }


def _filter_unit(request: HttpRequest, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = access.filter_units(request.user).filter(pk=unit_id).first()
    if unit is None:
        # Asking for a unit outside one's scope is a probe worth recording, answered like a bad choice.
        audit_record(
            action="people.filter_unit",
            request=request,
            object_type="network.unit",
            object_id=str(unit_id),
            outcome=AuditEvent.Outcome.DENIED,
        )
        raise ValidationError(_("Choose a unit from the list."))
    return unit


def _page(page_obj, items: list[dict]) -> dict:
    return {
        "count": page_obj.paginator.count,
        "page": page_obj.number,
        "pages": page_obj.paginator.num_pages,
        "items": items,
    }


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict:
    """Who am I: roles, and the resident / volunteer profile behind this account."""
    user = request.user
    resident = access.resident_of(user)
    volunteer = access.volunteer_of(user)
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.display_name,
        "phone": user.masked_phone,
        "roles": access.roles(user),
        "resident_id": resident.pk if resident else None,
        "volunteer_number": volunteer.number if volunteer else None,
        "staff_units": [u.name for u in access.staff_units(user)],
    }


@router.get("/residents", response=ResidentPage)
def residents(request: HttpRequest, q: str = "", page: int = 1, unit_id: int | None = None) -> dict:
    """Residents in the caller's scope; search by name, pinyin initials or the last 4 mobile digits."""
    access.require(request, access.can_list_people(request.user), action="resident_list")
    unit = _filter_unit(request, unit_id)
    found = selectors.resident_search(access.visible_residents(request.user), q[:50], unit)
    page_obj = selectors.paginate(found, page)
    return _page(page_obj, [_resident_out(r) for r in page_obj])


@router.post("/residents", response={201: ResidentOut})
def resident_create(request: HttpRequest, payload: ResidentIn) -> tuple[int, dict]:
    """Staff enter a resident who came in person or phoned (代录), at a station in their scope."""
    access.require(request, access.can_list_people(request.user), action="resident_enter")
    unit = Unit.objects.filter(pk=payload.unit_id).first()
    if unit is None:
        raise ValidationError(_("Choose a station from the list."))
    access.require(request, access.can_enter_resident(request.user, unit), action="resident_enter", obj=unit)
    bad = [g for g in payload.focus_groups if g not in FocusGroup.values]
    if bad:
        raise ValidationError(_("Unknown focus group: %(values)s") % {"values": ", ".join(bad)})
    resident = services.resident_enter(
        entered_by=request.user,
        name=payload.name,
        unit=unit,
        phone=payload.phone,
        id_number=payload.id_number,
        address=payload.address,
        birth_date=payload.birth_date,
        focus_groups=payload.focus_groups,
        guardian_name=payload.guardian_name,
        guardian_phone=payload.guardian_phone,
        guardian_consent=payload.guardian_consent,
        consent=payload.consent,
    )
    return 201, _resident_out(resident)


@router.get("/volunteers", response=VolunteerPage)
def volunteers(request: HttpRequest, q: str = "", page: int = 1, unit_id: int | None = None) -> dict:
    """Volunteers in the caller's scope; search by name, pinyin initials, last 4 digits or number."""
    access.require(request, access.can_list_people(request.user), action="volunteer_list")
    unit = _filter_unit(request, unit_id)
    page_obj = selectors.paginate(
        selectors.volunteer_search(access.visible_volunteers(request.user), q[:50], unit), page
    )
    items = [
        {
            "id": v.pk,
            "number": v.number,
            "name": v.user.masked_name,
            "phone": v.user.masked_phone,
            "home_unit_id": v.home_unit_id,
            "home_unit": v.home_unit.name,
            "types": v.types,
            "categories": v.categories,
        }
        for v in page_obj
    ]
    return _page(page_obj, items)


@router.get("/teams", response=TeamPage)
def teams(request: HttpRequest, q: str = "", page: int = 1) -> dict:
    """Teams in the caller's scope, and the teams the caller leads."""
    user = request.user
    access.require(request, access.can_list_people(user) or access.is_leader(user), action="team_list")
    page_obj = selectors.paginate(
        selectors.team_search(access.visible_teams(user).filter(is_active=True), q[:50]), page
    )
    items = [
        {
            "id": t.pk,
            "name": t.name,
            "team_type": t.team_type,
            "home_unit_id": t.home_unit_id,
            "home_unit": t.home_unit.name,
            "leader": t.leader.display_name if t.leader else None,
            "categories": t.categories,
            "capacity": t.capacity,
            "members": t.member_count,
        }
        for t in page_obj
    ]
    return _page(page_obj, items)


# --- the twins of the registration and "my data" pages --------------------------------------------------------
# Registration validates with the pages' own forms (same messages); lists and choices as JSON arrays.


def _errors() -> dict[int, Any]:
    from civicloop.core.schemas import ErrorOut

    return {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ResidentRegisterIn(Schema):
    username: str
    password: str
    name: str
    phone: str
    unit: int
    address: str = ""
    birth_date: dt.date | None = None
    focus_groups: list[str] = []
    consent: bool = False
    guardian_name: str = ""
    guardian_phone: str = ""
    guardian_consent: bool = False


class VolunteerFieldsIn(Schema):
    unit: int
    types: list[str] = []
    categories: list[str] = []
    skills: str = ""
    id_number: str = ""
    availability: list[str] = []
    consent: bool = False


class VolunteerRegisterIn(VolunteerFieldsIn):
    username: str
    password: str
    name: str
    phone: str


class NewVolunteerOut(Schema):
    id: int
    number: str
    home_unit_id: int


class EraseIn(Schema):
    confirm: bool = False


class UnmaskOut(Schema):
    id: int
    id_number: str


def _door(request: HttpRequest) -> None:
    """Registration is rate-limited per IP and overall, like the page."""
    from ninja.errors import HttpError

    from civicloop.core.ratelimit import over_limit, too_many_message

    if over_limit(request, "register"):
        raise HttpError(429, too_many_message())


@router.post(
    "/register/resident",
    auth=None,
    response={201: ResidentOut, **_errors()},
    summary="群众注册 · Register as a resident",
)
def register_resident(request: HttpRequest, payload: ResidentRegisterIn) -> Any:
    """A new account with its resident profile; then POST /api/auth/token to sign in."""
    from ninja.responses import Status

    from civicloop.core.forms import valid_or_400
    from civicloop.people.forms import ResidentRegisterForm

    _door(request)
    d = valid_or_400(ResidentRegisterForm(form_data(payload.dict()), units=selectors.registration_units()))
    try:
        resident = services.resident_register(**d)
    except ValidationError as exc:
        raise services.registration_refusal(exc) from None
    return Status(201, _resident_out(resident))


@router.post(
    "/register/volunteer",
    auth=None,
    response={201: NewVolunteerOut, **_errors()},
    summary="志愿者注册 · Register as a volunteer (new account)",
)
def register_volunteer(request: HttpRequest, payload: VolunteerRegisterIn) -> Any:
    from ninja.responses import Status

    from civicloop.core.forms import valid_or_400
    from civicloop.people.forms import VolunteerRegisterForm

    _door(request)
    d = valid_or_400(VolunteerRegisterForm(form_data(payload.dict()), units=selectors.registration_units()))
    d["home_unit"] = d.pop("unit")
    try:
        return Status(201, services.volunteer_register(user=None, **d))
    except ValidationError as exc:
        raise services.registration_refusal(exc) from None


@router.post(
    "/me/volunteer",
    response={201: NewVolunteerOut, **_errors()},
    summary="成为志愿者 · Become a volunteer with this account",
)
def become_volunteer(request: HttpRequest, payload: VolunteerFieldsIn) -> Any:
    from ninja.responses import Status

    from civicloop.core.exceptions import Conflict
    from civicloop.core.forms import valid_or_400
    from civicloop.people.forms import BecomeVolunteerForm

    if access.volunteer_of(request.user) is not None:
        raise Conflict(_("You are already registered as a volunteer."))
    d = valid_or_400(BecomeVolunteerForm(form_data(payload.dict()), units=selectors.registration_units()))
    d["home_unit"] = d.pop("unit")
    return Status(201, services.volunteer_register(user=request.user, **d))


def _own_resident(request: HttpRequest, action: str) -> Resident:
    resident = access.resident_of(request.user)
    access.require(request, resident is not None, action=action)
    return resident  # type: ignore[return-value]


@router.post("/me/erase", response={204: None, **_errors()}, summary="删除我的数据 · Erase my personal data")
def erase_my_data(request: HttpRequest, payload: EraseIn) -> Any:
    from ninja.responses import Status

    from civicloop.core.forms import valid_or_400
    from civicloop.people.forms import EraseForm

    resident = _own_resident(request, "resident_erase")
    valid_or_400(EraseForm(form_data(payload.dict())))
    services.resident_erase(resident=resident, actor=request.user)
    return Status(204, None)


@router.post(
    "/residents/{resident_id}/unmask",
    response={200: UnmaskOut, **_errors()},
    summary="查看完整身份证号 · Reveal a resident's ID number (audited)",
)
def unmask_resident(request: HttpRequest, resident_id: int) -> Any:
    resident = (
        Resident.objects.filter(pk=resident_id, erased_at__isnull=True).first()
        if 0 < resident_id < 2**63
        else None
    )
    if resident is None:
        from django.http import Http404

        raise Http404
    access.require(
        request, access.can_unmask_resident(request.user, resident), action="unmask_id", obj=resident
    )
    id_number = services.resident_unmask_id(resident=resident, actor=request.user, request=request)
    return {"id": resident.pk, "id_number": id_number}


# Teams on the workflow engine: founding, members, join requests and the step endpoints.
from civicloop.people import team_api  # noqa: E402

team_api.register(router)

from civicloop.people import details_api  # noqa: E402

details_api.register(router)
details_api.register_export(router)
