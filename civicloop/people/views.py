"""People pages: self-registration, staff entry and search, resident/volunteer/team pages, "my data"."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.core.ratelimit import rate_limited
from civicloop.people import selectors, services
from civicloop.people.forms import (
    BecomeVolunteerForm,
    EraseForm,
    ResidentEntryForm,
    ResidentRegisterForm,
    SearchForm,
    VolunteerRegisterForm,
)
from civicloop.people.models import Resident, User, Volunteer

BACKEND = "civicloop.people.backends.UsernameOrPhoneBackend"


def _form_error(form: Any, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _registration_error(form: Any, exc: ValidationError) -> None:
    for message in services.registration_refusal(exc).messages:
        form.add_error(None, message)


def _posted(request: HttpRequest) -> Any:
    """The submitted data on POST (even when empty, so an empty form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def _sign_in(request: HttpRequest, user: User) -> None:
    login(request, user, backend=BACKEND)
    access.forget(user)


# --- self-registration -----------------------------------------------------------------------------------------


@rate_limited("register")
def register_resident(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and access.resident_of(request.user) is not None:
        return redirect("people:resident_home")
    if request.user.is_authenticated:
        # a signed-in volunteer adds the resident role to the same account (no second account, no "mobile taken")
        return redirect("people:become_resident")
    form = ResidentRegisterForm(_posted(request), units=selectors.registration_units())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resident = services.resident_register(
                username=data["username"],
                password=data["password"],
                name=data["name"],
                phone=data["phone"],
                unit=data["unit"],
                address=data["address"],
                birth_date=data["birth_date"],
                focus_groups=data["focus_groups"],
                consent=data["consent"],
                guardian_name=data["guardian_name"],
                guardian_phone=data["guardian_phone"],
                guardian_consent=data["guardian_consent"],
            )
        except ValidationError as exc:
            _registration_error(form, exc)
        else:
            _sign_in(request, resident.user)
            messages.success(request, _("Welcome! You are registered and signed in."))
            return redirect("people:resident_home")
    return render(request, "people/register_resident.html", {"form": form})


@rate_limited("register")
def register_volunteer(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    if user is not None and access.volunteer_of(user) is not None:
        return redirect("people:volunteer_home")
    units = selectors.registration_units()
    form_class = BecomeVolunteerForm if user is not None else VolunteerRegisterForm
    form = form_class(_posted(request), units=units)
    if user is not None and request.method != "POST":
        resident = access.resident_of(user)
        if resident is not None and units.filter(pk=resident.unit_id).exists():
            form.initial["unit"] = resident.unit_id
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            volunteer = services.volunteer_register(
                user=user,
                username=data.get("username", ""),
                password=data.get("password", ""),
                name=data.get("name", ""),
                phone=data.get("phone", ""),
                home_unit=data["unit"],
                types=data["types"],
                categories=data["categories"],
                skills=data["skills"],
                id_number=data["id_number"],
                availability=data["availability"],
                consent=data["consent"],
            )
        except ValidationError as exc:
            _registration_error(form, exc)
        else:
            if user is None:
                _sign_in(request, volunteer.user)
            messages.success(
                request,
                _("Thank you for volunteering! Your volunteer number is %(number)s.")
                % {"number": volunteer.number},
            )
            return redirect("people:volunteer_home")
    return render(request, "people/register_volunteer.html", {"form": form, "existing_user": user})


# --- staff: residents --------------------------------------------------------------------------------------------


def _search(request: HttpRequest) -> tuple[SearchForm, str, Any]:
    """The search box and unit filter of a staff list; the units offered come from the access package."""
    form = SearchForm(request.GET or None, units=access.filter_units(request.user))
    if not form.is_valid():
        return form, "", None
    return form, form.cleaned_data["q"], form.cleaned_data["unit"]


@login_required
def resident_list(request: HttpRequest) -> HttpResponse:
    access.require(request, access.can_list_people(request.user), action="resident_list")
    search, q, unit = _search(request)
    page = selectors.paginate(
        selectors.resident_search(access.visible_residents(request.user), q, unit), request.GET.get("page")
    )
    return render(request, "people/resident_list.html", {"page": page, "search": search, "q": q})


@login_required
def resident_enter(request: HttpRequest) -> HttpResponse:
    access.require(request, access.can_list_people(request.user), action="resident_enter")
    form = ResidentEntryForm(_posted(request), units=access.entry_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        access.require(
            request, access.can_enter_resident(request.user, data["unit"]), action="resident_enter"
        )
        try:
            resident = services.resident_enter(
                entered_by=request.user,
                name=data["name"],
                unit=data["unit"],
                phone=data["phone"],
                id_number=data["id_number"],
                address=data["address"],
                birth_date=data["birth_date"],
                focus_groups=data["focus_groups"],
                guardian_name=data["guardian_name"],
                guardian_phone=data["guardian_phone"],
                guardian_consent=data["guardian_consent"],
                consent=data["consent"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Resident %(name)s was recorded.") % {"name": resident.name})
            return redirect("people:resident_detail", pk=resident.pk)
    return render(request, "people/resident_enter.html", {"form": form})


def _resident(request: HttpRequest, pk: int, action: str, check: Any) -> Resident:
    resident = (
        Resident.objects.select_related("unit", "entered_by").filter(pk=pk, erased_at__isnull=True).first()
    )
    if resident is None:
        raise Http404
    access.require(request, check(request.user, resident), action=action, obj=resident)
    return resident


@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _resident(request, pk, "resident_view", access.can_view_resident)
    return render(request, "people/resident_detail.html", _resident_context(request, resident))


def _resident_context(request: HttpRequest, resident: Resident, revealed_id: str = "") -> dict[str, Any]:
    return {
        "resident": resident,
        "full_contact": access.can_see_resident_contact(request.user, resident),
        "can_unmask": access.can_unmask_resident(request.user, resident) and bool(resident.id_number),
        "revealed_id": revealed_id,
    }


@login_required
@require_POST
def resident_unmask(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _resident(request, pk, "unmask_id", access.can_unmask_resident)
    id_number = services.resident_unmask_id(resident=resident, actor=request.user, request=request)
    response = render(
        request, "people/resident_detail.html", _resident_context(request, resident, revealed_id=id_number)
    )
    response["Cache-Control"] = "no-store"
    return response


# --- staff: volunteers and teams ---------------------------------------------------------------------------------


@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    access.require(request, access.can_list_people(request.user), action="volunteer_list")
    search, q, unit = _search(request)
    page = selectors.paginate(
        selectors.volunteer_search(access.visible_volunteers(request.user), q, unit), request.GET.get("page")
    )
    return render(request, "people/volunteer_list.html", {"page": page, "search": search, "q": q})


@login_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = Volunteer.objects.select_related("user", "home_unit").filter(pk=pk).first()
    if volunteer is None:
        raise Http404
    access.require(
        request, access.can_view_volunteer(request.user, volunteer), action="volunteer_view", obj=volunteer
    )
    return render(
        request,
        "people/volunteer_detail.html",
        {"volunteer": volunteer, "teams": selectors.volunteer_teams(volunteer)},
    )


@login_required
def my_teams(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_leader(request.user), action="my_teams")
    return render(request, "people/my_teams.html", {"teams": selectors.led_teams_with_counts(request.user)})


# --- the person's own pages ----------------------------------------------------------------------------------------


@login_required
def volunteer_home(request: HttpRequest) -> HttpResponse:
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="volunteer_home")
    return render(
        request,
        "people/volunteer_home.html",
        {
            "volunteer": volunteer,
            "teams": selectors.volunteer_teams(volunteer),
            "is_resident": access.resident_of(request.user) is not None,
        },
    )


def _own_resident(request: HttpRequest, action: str) -> Resident:
    resident = access.resident_of(request.user)
    access.require(request, resident is not None, action=action)
    return resident


@login_required
def resident_home(request: HttpRequest) -> HttpResponse:
    resident = _own_resident(request, "resident_home")
    return render(
        request,
        "people/resident_home.html",
        {"resident": resident, "is_volunteer": access.volunteer_of(request.user) is not None},
    )


@login_required
def resident_export(request: HttpRequest) -> HttpResponse:
    resident = _own_resident(request, "resident_export")
    data = services.resident_export(resident=resident, actor=request.user, request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def resident_erase(request: HttpRequest) -> HttpResponse:
    resident = _own_resident(request, "resident_erase")
    form = EraseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        user = request.user
        services.resident_erase(resident=resident, actor=user)
        user.refresh_from_db()
        if not user.is_active:
            logout(request)
        messages.success(request, _("Your personal data has been deleted."))
        return redirect("home")
    return render(request, "people/resident_erase.html", {"form": form})
