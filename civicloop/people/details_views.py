"""Pages for a person's own details (several roles on one account, self-edits, mobile change by SMS code) and
staff corrections of a resident."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicloop import access
from civicloop.core.forms import parse_id
from civicloop.people import details, selectors
from civicloop.people.details_forms import (
    BecomeResidentForm,
    MyDetailsForm,
    PhoneChangeForm,
    PhoneConfirmForm,
    ResidentCorrectForm,
)
from civicloop.people.models import Resident


def _errors(form, exc: ValidationError) -> None:  # type: ignore[no-untyped-def]
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
def become_resident(request: HttpRequest) -> HttpResponse:
    user = request.user
    if access.resident_of(user) is not None:
        return redirect("people:resident_home")
    units = selectors.registration_units()
    form = BecomeResidentForm(request.POST if request.method == "POST" else None, units=units)
    volunteer = access.volunteer_of(user)
    if request.method != "POST" and volunteer is not None and units.filter(pk=volunteer.home_unit_id).exists():
        form.initial["unit"] = volunteer.home_unit_id
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            details.resident_add_role(
                user=user, unit=data["unit"], address=data["address"], birth_date=data["birth_date"],
                focus_groups=data["focus_groups"], consent=data["consent"], request=request,
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            access.forget(user)
            messages.success(request, _("You can now order services as a resident, with the same account."))
            return redirect("people:resident_home")
    return render(request, "people/become_resident.html", {"form": form})


@login_required
def my_details(request: HttpRequest) -> HttpResponse:
    user = request.user
    resident, volunteer = access.resident_of(user), access.volunteer_of(user)
    access.require(request, resident is not None or volunteer is not None, action="person_update")
    initial = {"full_name": user.full_name}
    if resident is not None:
        initial.update(address=resident.address, focus_groups=list(resident.focus_groups or []))
    if volunteer is not None:
        initial.update(skills=volunteer.skills, categories=volunteer.categories, types=volunteer.types)
    form = MyDetailsForm(
        request.POST if request.method == "POST" else None, initial=initial,
        resident=resident is not None, volunteer=volunteer is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            details.person_update_self(
                user=user, full_name=data["full_name"], address=data.get("address"),
                focus_groups=data.get("focus_groups"), skills=data.get("skills"),
                categories=data.get("categories"), types=data.get("types"), request=request,
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Your details were saved."))
            return redirect("people:my_details")
    return render(request, "people/my_details.html", {"form": form, "phone": user.masked_phone})


@login_required
def my_phone(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(
        request, access.resident_of(user) is not None or access.volunteer_of(user) is not None, action="phone_change"
    )
    start = PhoneChangeForm(request.POST if request.POST.get("step") == "start" else None)
    confirm = PhoneConfirmForm(request.POST if request.POST.get("step") == "confirm" else None)
    waiting = user.phone_changes.filter(confirmed_at__isnull=True).exists()
    if request.method == "POST" and request.POST.get("step") == "start" and start.is_valid():
        try:
            details.phone_change_start(user=user, new_phone=start.cleaned_data["new_phone"], request=request)
        except ValidationError as exc:
            _errors(start, exc)
        else:
            messages.success(request, _("If this number can be used, a code was sent to it by SMS."))
            return redirect("people:my_phone")
    if request.method == "POST" and request.POST.get("step") == "confirm" and confirm.is_valid():
        try:
            details.phone_change_confirm(user=user, code=confirm.cleaned_data["code"], request=request)
        except ValidationError as exc:
            _errors(confirm, exc)
        else:
            messages.success(request, _("Your mobile number was changed."))
            return redirect("people:my_details")
    return render(
        request, "people/my_phone.html",
        {"start": start, "confirm": confirm, "waiting": waiting, "phone": user.masked_phone},
    )


@login_required
def resident_correct(request: HttpRequest, pk: int) -> HttpResponse:
    resident_id = parse_id(pk)
    resident = Resident.objects.filter(pk=resident_id, erased_at__isnull=True).first() if resident_id else None
    if resident is None:
        raise Http404
    user = request.user
    access.require(
        request, access.is_staff(user) and access.can_view_resident(user, resident), action="resident_correct",
        obj=resident,
    )
    may_unmask = access.can_unmask_resident(user, resident)
    initial = {
        "name": resident.name, "address": resident.address, "birth_date": resident.birth_date,
        "focus_groups": list(resident.focus_groups or []),
    }
    form = ResidentCorrectForm(
        request.POST if request.method == "POST" else None, initial=initial, may_unmask=may_unmask,
        has_account=resident.user_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if not (k in ("phone", "id_number") and not v)}
        try:
            details.resident_correct(actor=user, resident=resident, request=request, **changes)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The resident's details were corrected."))
            return redirect("people:resident_detail", pk=resident.pk)
    return render(request, "people/resident_correct.html", {"form": form, "resident": resident})


FORMATS = {
    "json": ("application/json; charset=utf-8", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}


def export_response(data: dict, fmt: str, title: str) -> HttpResponse:
    import json

    from django.http import HttpResponse as Response

    if fmt == "xlsx":
        body: bytes | str = details.export_xlsx(data)
    elif fmt == "pdf":
        body = details.export_pdf(data, title)
    else:
        body = json.dumps(data, ensure_ascii=False, indent=2)
    content_type, ext = FORMATS[fmt]
    response = Response(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="my-data.{ext}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_export(request: HttpRequest, who: str, fmt: str) -> HttpResponse:
    """Download my data as JSON, a spreadsheet or a PDF — as a resident or as a volunteer."""
    from civicloop.people import services

    if fmt not in FORMATS or who not in ("resident", "volunteer"):
        raise Http404
    user = request.user
    if who == "resident":
        resident = access.resident_of(user)
        access.require(request, resident is not None, action="resident_export")
        data = services.resident_export(resident=resident, actor=user, request=request)
    else:
        volunteer = access.volunteer_of(user)
        access.require(request, volunteer is not None, action="volunteer_export")
        data = details.volunteer_export(volunteer=volunteer, actor=user, request=request)
    return export_response(data, fmt, _("My data"))


@login_required
def volunteer_erase(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout

    from civicloop.people.forms import EraseForm

    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="volunteer_erase")
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            details.volunteer_erase(volunteer=volunteer, actor=request.user, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            request.user.refresh_from_db()
            if not request.user.is_active:
                logout(request)
            messages.success(request, _("Your volunteer data has been deleted; your service hours are kept."))
            return redirect("home")
    return render(request, "people/volunteer_erase.html", {"form": form})
