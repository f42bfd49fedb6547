"""A person's own details under /api/people/me/, and staff corrections of a resident (same services as the pages)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from civicloop import access
from civicloop.core.schemas import Id
from civicloop.people import details, selectors
from civicloop.people.models import Resident


class BecomeResidentIn(Schema):
    unit_id: Id
    address: str = Field("", max_length=200)
    birth_date: dt.date | None = None
    focus_groups: list[str] = []
    consent: bool = False


class MyDetailsIn(Schema):
    full_name: str | None = Field(None, max_length=50)
    address: str | None = Field(None, max_length=200)
    focus_groups: list[str] | None = None
    skills: str | None = Field(None, max_length=200)
    categories: list[str] | None = None
    types: list[str] | None = None


class PhoneIn(Schema):
    new_phone: str = Field(..., max_length=20)


class CodeIn(Schema):
    code: str = Field(..., max_length=6)


class ResidentPatch(Schema):
    name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)
    birth_date: dt.date | None = None
    focus_groups: list[str] | None = None
    id_number: str | None = Field(None, max_length=18)


class MaskedResidentOut(Schema):
    id: int
    name: str
    phone: str
    address: str
    id_number: str
    unit_id: int


class Done(Schema):
    detail: str


def _masked(r: Resident) -> dict:
    return {
        "id": r.pk, "name": r.masked_name, "phone": r.masked_phone, "address": r.masked_address,
        "id_number": r.masked_id_number, "unit_id": r.unit_id,
    }


def register(router: Router) -> None:
    @router.post("/me/resident", response={201: MaskedResidentOut}, tags=["people"])
    def me_become_resident(request: HttpRequest, payload: BecomeResidentIn) -> Status:
        """Add the resident role to the signed-in account (its own mobile is never "already registered")."""
        access.require(request, request.user.is_authenticated, action="resident_add_role")
        unit = selectors.registration_units().filter(pk=payload.unit_id).first()
        if unit is None:
            raise ValidationError(_("Choose a station from the list."))
        resident = details.resident_add_role(
            user=request.user, unit=unit, address=payload.address, birth_date=payload.birth_date,
            focus_groups=payload.focus_groups, consent=payload.consent, request=request,
        )
        return Status(201, _masked(resident))

    @router.patch("/me/details", response=Done, tags=["people"])
    def me_details(request: HttpRequest, payload: MyDetailsIn) -> dict:
        user = request.user
        access.require(
            request, access.resident_of(user) is not None or access.volunteer_of(user) is not None,
            action="person_update",
        )
        details.person_update_self(user=user, request=request, **payload.dict(exclude_unset=True))
        return {"detail": _("Your details were saved.")}

    @router.post("/me/phone", response={202: Done}, tags=["people"])
    def me_phone(request: HttpRequest, payload: PhoneIn) -> Status:
        """Ask for a code by SMS to the new number (202 whether or not the number can be used)."""
        access.require(request, request.user.is_authenticated, action="phone_change")
        details.phone_change_start(user=request.user, new_phone=payload.new_phone, request=request)
        return Status(202, {"detail": _("If this number can be used, a code was sent to it by SMS.")})

    @router.post("/me/phone/confirm", response=Done, tags=["people"])
    def me_phone_confirm(request: HttpRequest, payload: CodeIn) -> dict:
        access.require(request, request.user.is_authenticated, action="phone_change")
        details.phone_change_confirm(user=request.user, code=payload.code, request=request)
        return {"detail": _("Your mobile number was changed.")}

    @router.patch("/residents/{id}", response=MaskedResidentOut, tags=["people"])
    def resident_patch(request: HttpRequest, id: Id, payload: ResidentPatch) -> dict:
        """Staff in scope correct a resident; `id_number` only with the unmask right (403 otherwise)."""
        resident = Resident.objects.filter(pk=id, erased_at__isnull=True).first()
        if resident is None:
            raise Http404
        user = request.user
        access.require(
            request, access.is_staff(user) and access.can_view_resident(user, resident),
            action="resident_correct", obj=resident,
        )
        changes = payload.dict(exclude_unset=True)
        if "id_number" in changes:
            access.require(
                request, access.can_unmask_resident(user, resident), action="resident_correct_id", obj=resident
            )
        details.resident_correct(actor=user, resident=resident, request=request, **changes)
        resident.refresh_from_db()
        return _masked(resident)


def register_export(router: Router) -> None:
    from django.http import HttpResponse

    from civicloop.people.details_views import FORMATS, export_response

    @router.get("/me/export", tags=["people"])
    def me_export(request: HttpRequest, who: str = "resident", format: str = "json") -> HttpResponse:
        """My data as `json`, `xlsx` or `pdf`, as a `resident` or a `volunteer` (audited)."""
        from civicloop.people import services

        if format not in FORMATS or who not in ("resident", "volunteer"):
            raise ValidationError(_("Choose json, xlsx or pdf, for resident or volunteer."))
        user = request.user
        if who == "resident":
            resident = access.resident_of(user)
            access.require(request, resident is not None, action="resident_export")
            data = services.resident_export(resident=resident, actor=user, request=request)
        else:
            volunteer = access.volunteer_of(user)
            access.require(request, volunteer is not None, action="volunteer_export")
            data = details.volunteer_export(volunteer=volunteer, actor=user, request=request)
        return export_response(data, format, _("My data"))

    @router.post("/me/volunteer/erase", response=Done, tags=["people"])
    def me_volunteer_erase(request: HttpRequest) -> dict:
        volunteer = access.volunteer_of(request.user)
        access.require(request, volunteer is not None, action="volunteer_erase")
        details.volunteer_erase(volunteer=volunteer, actor=request.user, request=request)
        return {"detail": _("Your volunteer data has been deleted; your service hours are kept.")}
