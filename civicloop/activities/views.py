"""Activity pages: staff list and planning, organiser console, public calendar, volunteer sign-up on a phone."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.activities import policies as policy
from civicloop.activities import selectors, services
from civicloop.activities.forms import ActivityForm, CancelForm, CloseConfirmForm
from civicloop.activities.models import Activity, Signup
from civicloop.core.choices import Platform
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import parse_id
from civicloop.network.models import Unit
from civicloop.network.policies import bookable_rooms

PAGE = 25


def _error(request: HttpRequest, exc: Exception) -> None:
    text = exc.message if isinstance(exc, Conflict) else "; ".join(exc.messages)  # type: ignore[attr-defined]
    messages.error(request, text)


def _managed(request: HttpRequest, pk: int, action: str) -> Activity:
    activity = get_object_or_404(Activity.objects.select_related("unit", "team"), pk=pk)
    access.require(request, policy.can_manage_activity(request.user, activity), action=action, obj=activity)
    return activity


# --- staff -----------------------------------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    access.require(request, policy.can_create_activity(request.user), action="activity_list")
    qs = selectors.activity_filter(policy.visible_activities(request.user), request.GET)
    page = Paginator(selectors.with_counts(qs).order_by("-starts_at", "-id"), PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "activities/activity_list.html",
        {
            "page": page,
            "statuses": Activity.Status.choices,
            "platforms": Platform.choices,
            "units": policy.creatable_units(request.user).order_by("path")[:200],
        },
    )


def _form_kwargs(request: HttpRequest) -> dict:
    return {
        "units": policy.creatable_units(request.user).order_by("path"),
        "teams": access.visible_teams(request.user).filter(is_active=True).order_by("name"),
    }


def _organiser_ok(request: HttpRequest, form: ActivityForm) -> bool:
    """A team leader who is not staff of the unit plans activities as their team, so they can run them."""
    unit, team = form.cleaned_data["unit"], form.cleaned_data["team"]
    if access.in_scope(request.user, unit) or (team is not None and team.leader_id == request.user.pk):
        return True
    form.add_error("team", _("Choose the team you lead as the organiser."))
    return False


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    access.require(request, policy.can_create_activity(request.user), action="activity_create")
    form = ActivityForm(request.POST or None, rooms=bookable_rooms(request.user), **_form_kwargs(request))
    if request.method == "POST" and form.is_valid() and _organiser_ok(request, form):
        data = form.cleaned_data
        try:
            activity = services.activity_create(
                actor=request.user,
                unit=data["unit"],
                team=data["team"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                place=data["place"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                roles=data["roles"],
                target_group=data["target_group"],
                expected_audience=data["expected_audience"],
                auto_accept=data["auto_accept"],
                room=data["room"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except Conflict as exc:  # the room is taken: nothing was written
            form.add_error("room", exc.message)
        else:
            messages.success(request, _("Activity saved as a draft. Publish it when it is ready."))
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form})


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk, "activity_edit")
    initial = {
        "unit": activity.unit,
        "team": activity.team,
        "category": activity.category,
        "title": activity.title,
        "description": activity.description,
        "place": activity.place,
        "starts_at": timezone.localtime(activity.starts_at),
        "ends_at": timezone.localtime(activity.ends_at),
        "roles": ActivityForm.roles_text(activity),
        "target_group": activity.target_group,
        "expected_audience": activity.expected_audience,
        "auto_accept": activity.auto_accept,
    }
    form = ActivityForm(request.POST or None, initial=initial, **_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        roles = data.pop("roles")
        try:
            services.activity_update(activity=activity, actor=request.user, roles=roles, **data)
        except (ValidationError, Conflict) as exc:
            form.add_error(None, exc.message if isinstance(exc, Conflict) else exc)
        else:
            messages.success(request, _("Activity saved."))
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk, "activity_view")
    # each sign-up's timeline is shown in its row: its events come in two queries for the page
    rows = selectors.signups_for(activity).prefetch_related("events__actor", "events__unit")
    signups = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/activity_detail.html",
        {"activity": activity, "page": signups, "roles": activity.roles.all(), "cancel_form": CancelForm()},
    )


@require_POST
@login_required
def activity_publish(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk, "activity_publish")
    try:
        services.activity_publish(activity=activity, actor=request.user)
        messages.success(request, _("Activity published. Volunteers can now sign up."))
    except (ValidationError, Conflict) as exc:
        _error(request, exc)
    return redirect("activities:detail", pk=pk)


@require_POST
@login_required
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk, "activity_cancel")
    try:
        services.activity_cancel(activity=activity, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Activity cancelled."))
    except (ValidationError, Conflict) as exc:
        _error(request, exc)
    return redirect("activities:detail", pk=pk)


@require_POST
@login_required
def signup_decide(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_object_or_404(Signup.objects.select_related("activity__team"), pk=pk)
    access.require(
        request, policy.can_decide_signup(request.user, signup), action="signup_decide", obj=signup
    )
    try:
        services.signup_decide(signup=signup, approve=request.POST.get("approve") == "1", actor=request.user)
        messages.success(request, _("Sign-up updated."))
    except (ValidationError, Conflict) as exc:
        _error(request, exc)
    return redirect("activities:detail", pk=signup.activity_id)


# --- organiser console -----------------------------------------------------------------------------------

KINDS = {"in", "out"}


def _shown(request: HttpRequest) -> str:
    """Which one code the console shows: sign-in unless the organiser switched to sign-out."""
    kind = request.GET.get("show") or request.POST.get("kind") or "in"
    return kind if kind in KINDS else "in"


def _qr_context(request: HttpRequest, activity: Activity, kind: str) -> dict:
    import segno  # loaded by the first QR code only

    token = services.qr_token(activity.pk, kind)
    url = request.build_absolute_uri(reverse("activities:scan", args=[activity.pk, kind, token]))
    code = {
        "kind": kind,
        "label": _("Scan to sign in") if kind == "in" else _("Scan to sign out"),
        "url": url,
        "svg": segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True),
    }
    return {"activity": activity, "code": code, "kind": kind, "now": timezone.localtime()}


@login_required
def console(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk, "activity_console")
    signups = selectors.signups_for(activity).filter(status=Signup.Status.APPROVED)[:300]
    ctx = _qr_context(request, activity, _shown(request)) | {"signups": signups}
    return render(request, "activities/console.html", ctx)


@login_required
def console_qr(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk, "activity_console")
    return render(request, "activities/_qr.html", _qr_context(request, activity, _shown(request)))


@require_POST
@login_required
def console_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser scanned (or pasted) a volunteer's card code: sign that volunteer in or out."""
    activity = _managed(request, pk, "activity_card_scan")
    kind = _shown(request)
    try:
        signup_row = services.signup_card_scan(
            activity=activity, actor=request.user, token=request.POST.get("token", ""), kind=kind
        )
    except (ValidationError, Conflict) as exc:
        _error(request, exc)
    else:
        name = signup_row.volunteer.user.display_name
        if kind == "in":
            messages.success(request, _("%(name)s is signed in.") % {"name": name})
        else:
            messages.success(request, _("%(name)s is signed out.") % {"name": name})
    return redirect(f"{reverse('activities:console', args=[pk])}?show={kind}")


@require_POST
@login_required
def roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_object_or_404(Signup.objects.select_related("activity__team"), pk=pk)
    access.require(request, policy.can_decide_signup(request.user, signup), action="roll_call", obj=signup)
    try:
        services.signup_roll_call(
            signup=signup, present=request.POST.get("present") == "1", actor=request.user
        )
        messages.success(request, _("Roll call saved."))
    except (ValidationError, Conflict) as exc:
        _error(request, exc)
    return redirect("activities:console", pk=signup.activity_id)


@login_required
def activity_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Ending the activity is its own page, away from the live code, and asks for a confirmation."""
    activity = _managed(request, pk, "activity_close")
    form = CloseConfirmForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        photos = [form.cleaned_data["photos"]] if form.cleaned_data.get("photos") else []
        try:
            rows = services.activity_close(
                activity=activity,
                actor=request.user,
                people_served=form.cleaned_data["people_served"],
                summary=form.cleaned_data["summary"],
                photos=photos,
            )
        except (ValidationError, Conflict) as exc:
            form.add_error(None, exc.message if isinstance(exc, Conflict) else exc)
        else:
            messages.success(
                request, _("Activity closed; hours credited to %(n)s volunteers.") % {"n": len(rows)}
            )
            return redirect("activities:detail", pk=pk)
    signed_in = Signup.objects.filter(
        activity=activity, status=Signup.Status.APPROVED, signed_in_at__isnull=False
    ).count()
    return render(
        request, "activities/close.html", {"activity": activity, "form": form, "signed_in": signed_in}
    )


# --- public and volunteers -------------------------------------------------------------------------------


def calendar_view(request: HttpRequest) -> HttpResponse:
    """The month calendar of a unit's activities; public (no personal data)."""
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    qs = policy.public_activities()
    unit = None
    if parse_id(request.GET.get("unit")):
        unit = Unit.objects.filter(pk=parse_id(request.GET["unit"]), is_active=True).first()
        if unit:
            qs = qs.filter(unit_path__startswith=unit.path)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "activities/calendar.html",
        {
            "weeks": selectors.month_grid(qs, first.year, first.month),
            "first": first,
            "prev": prev_month,
            "next": next_month,
            "unit": unit,
            "today": today,
            "units": Unit.objects.filter(is_active=True, kind=Unit.Kind.PRACTICE).order_by("path")[:300],
        },
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(policy.public_activities().select_related("unit"), pk=pk)
    mine = None
    volunteer = access.volunteer_of(request.user)
    if volunteer is not None:
        mine = Signup.objects.filter(
            activity=activity, volunteer=volunteer, status__in=Signup.HOLDING
        ).first()
    return render(
        request,
        "activities/public_detail.html",
        {
            "activity": activity,
            "roles": activity.roles.all(),
            "mine": mine,
            "is_volunteer": volunteer is not None,
            "open": activity.status == Activity.Status.PUBLISHED and activity.ends_at > timezone.now(),
            "photos": activity.photos.all()[:12],
        },
    )


@require_POST
@login_required
def signup(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(policy.public_activities(), pk=pk)
    access.require(request, policy.can_sign_up(request.user, activity), action="signup_create", obj=activity)
    role = None
    if parse_id(request.POST.get("role")):
        role = activity.roles.filter(pk=parse_id(request.POST["role"])).first()
    try:
        result = services.signup_create(
            activity=activity, volunteer=access.volunteer_of(request.user), role=role
        )
    except (ValidationError, Conflict) as exc:
        _error(request, exc)
    else:
        if result.status == Signup.Status.APPROVED:
            messages.success(
                request, _("You are signed up. Please arrive on time and scan the code to sign in.")
            )
        else:
            messages.success(request, _("Sign-up sent. The organiser will approve it."))
    return redirect("activities:public_detail", pk=pk)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    signup_row = get_object_or_404(Signup.objects.select_related("activity", "volunteer"), pk=pk)
    access.require(
        request,
        policy.can_withdraw_signup(request.user, signup_row),
        action="signup_withdraw",
        obj=signup_row,
    )
    try:
        services.signup_withdraw(signup=signup_row, actor=request.user)
        messages.success(request, _("You have withdrawn from this activity."))
    except (ValidationError, Conflict) as exc:
        _error(request, exc)
    return redirect("activities:my")


@login_required
def my_activities(request: HttpRequest) -> HttpResponse:
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="my_activities")
    mine = Paginator(
        policy.my_signups(request.user).select_related("activity", "role").order_by("-activity__starts_at"),
        20,
    ).get_page(request.GET.get("page"))
    open_list = selectors.with_counts(policy.open_activities()).order_by("starts_at")[:30]
    return render(request, "activities/my.html", {"page": mine, "open_list": open_list})


def _scan_submit(volunteer: object, code: str) -> tuple[bool, str]:
    """Sign in or out with what the camera read or the volunteer pasted; (ok, message to show)."""
    parsed = services.parse_scan_code(code)
    if parsed is None:
        return False, _("This is not a sign-in code of an activity. Scan the code on the organiser's screen.")
    pk, kind, token = parsed
    activity = Activity.objects.filter(pk=pk).first()
    if activity is None:
        return False, _("This is not a sign-in code of an activity. Scan the code on the organiser's screen.")
    try:
        if kind == "in":
            services.signup_sign_in(activity=activity, volunteer=volunteer, token=token)
            return True, _("Signed in to %(title)s. Thank you for serving!") % {"title": activity.title}
        services.signup_sign_out(activity=activity, volunteer=volunteer, token=token)
        return True, _(
            "Signed out of %(title)s. Your hours will be credited when the organiser closes the activity."
        ) % {"title": activity.title}
    except Conflict as exc:
        return False, exc.message
    except ValidationError as exc:
        return False, "; ".join(exc.messages)


@login_required
def scanner(request: HttpRequest) -> HttpResponse:
    """扫一扫: the phone's camera reads the organiser's code (jsQR in the page), or the volunteer pastes it."""
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="activity_scan")
    result = None
    if request.method == "POST":
        ok, text = _scan_submit(volunteer, request.POST.get("code", ""))
        result = {"ok": ok, "text": text}
    activity_id = parse_id(request.GET.get("activity"))
    activity = policy.public_activities().filter(pk=activity_id).first() if activity_id else None
    return render(request, "activities/scanner.html", {"result": result, "activity": activity})


def _card_context(request: HttpRequest, volunteer: object) -> dict:
    import segno

    token = services.volunteer_card_token(volunteer)
    return {
        "token": token,
        "svg": segno.make(token, error="m").svg_inline(scale=6, border=2, omitsize=True),
        "seconds": services.CARD_TOKEN_SECONDS,
        "now": timezone.localtime(),
    }


@login_required
def card(request: HttpRequest) -> HttpResponse:
    """电子志愿者证: masked name, teams, hours and a short-lived code the organiser scans on the console."""
    from civicloop.records.services import volunteer_total_hours

    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="volunteer_card")
    teams = [m.team for m in volunteer.team_memberships.select_related("team").filter(team__is_active=True)]
    ctx = _card_context(request, volunteer) | {
        "volunteer": volunteer,
        "masked_name": request.user.masked_name,
        "teams": teams,
        "hours": volunteer_total_hours(volunteer),
    }
    return render(request, "activities/card.html", ctx)


@login_required
def card_qr(request: HttpRequest) -> HttpResponse:
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="volunteer_card")
    return render(request, "activities/_card_qr.html", _card_context(request, volunteer))


@login_required
def scan(request: HttpRequest, pk: int, kind: str, token: str) -> HttpResponse:
    """Where the organiser's QR code leads: a big confirm button; the code is checked again on submit."""
    activity = get_object_or_404(Activity, pk=pk)
    volunteer = access.volunteer_of(request.user)
    access.require(
        request, volunteer is not None and kind in ("in", "out"), action="activity_scan", obj=activity
    )
    done = None
    if request.method == "POST":
        try:
            if kind == "in":
                services.signup_sign_in(activity=activity, volunteer=volunteer, token=token)
                done = _("Signed in. Thank you for serving!")
            else:
                services.signup_sign_out(activity=activity, volunteer=volunteer, token=token)
                done = _("Signed out. Your hours will be credited when the organiser closes the activity.")
            messages.success(request, done)
        except (ValidationError, Conflict) as exc:
            _error(request, exc)
        return redirect("activities:my")
    valid = services.qr_token_valid(activity.pk, kind, token)
    return render(request, "activities/scan.html", {"activity": activity, "kind": kind, "valid": valid})
