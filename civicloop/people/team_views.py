"""Team pages (志愿服务队): the list, founding, the team page with its workflow panel, join requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import parse_id
from civicloop.people import policies, selectors, services
from civicloop.people.models import Team, TeamRequest
from civicloop.people.team_forms import TeamApplyForm, TeamEditForm, TeamFoundForm, TeamInviteForm
from civicloop.people.workflow import TEAM, TEAM_REQUEST


def _team(request: HttpRequest, pk: int, action: str = "people.team.view") -> Team:
    team_id = parse_id(pk)
    team = selectors.team_detail(team_id) if team_id else None
    if team is None:
        raise Http404
    access.require(request, policies.can_view_team(request.user, team), action=action, obj=team)
    return team


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(
        request, access.is_staff(user) or access.volunteer_of(user) is not None, action="team_list"
    )
    status = request.GET.get("status", "")
    teams = policies.visible_teams(user)
    if status in Team.Status.values:
        teams = teams.filter(status=status)
    q = (request.GET.get("q") or "").strip()[:50]
    page = selectors.paginate(selectors.team_search(teams, q), request.GET.get("page"))
    return render(
        request,
        "people/team_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "tabs": [(code, label) for code, label in Team.Status.choices],
            "can_found": policies.can_found_team(user),
        },
    )


@login_required
def team_found(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(request, policies.can_found_team(user), action="people.team.found")
    form = TeamFoundForm(request.POST if request.method == "POST" else None, units=policies.found_units(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.team_found(
                actor=user,
                name=data["name"],
                team_type=data["team_type"],
                home_unit=data["home_unit"],
                served_units=list(data["served_units"]),
                categories=data["categories"],
                capacity=data["capacity"],
                leader_number=data["leader_number"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                description=data["description"],
                request=request,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The team was founded and waits for its unit's approval."))
            return redirect("people:team_detail", pk=team.pk)
    return render(request, "people/team_found.html", {"form": form})


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    user = request.user
    show_members = policies.can_list_team_members(user, team)
    requests = policies.visible_team_requests(user, team)
    return render(
        request,
        "people/team_detail.html",
        {
            "team": team,
            "members": selectors.team_members(team) if show_members else None,
            "member_count": team.memberships.count(),
            "figures": selectors.team_figures(team),
            "orders": selectors.team_recent_orders(team) if show_members else [],
            "pending": selectors.team_requests_pending(team, requests),
            "can_apply": policies.can_apply_to_team(user, team)
            and not requests.filter(status=TeamRequest.Status.PENDING).exists(),
            "can_invite": policies.can_run_team(user, team) and team.status == Team.Status.ACTIVE,
            "apply_form": TeamApplyForm(),
            "invite_form": TeamInviteForm(),
            "full_contact": policies.can_run_team(user, team),
            "can_edit": policies.can_run_team(user, team),
        },
    )


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader or the owning unit's staff edit the team's details (the page twin of PATCH /teams/{id})."""
    team = _team(request, pk, action="people.team.update")
    access.require(request, policies.can_run_team(request.user, team), action="people.team.update", obj=team)
    fields = ("name", "team_type", "categories", "capacity", "contact_name", "contact_phone", "description")
    form = TeamEditForm(request.POST or None, initial={k: getattr(team, k) for k in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(actor=request.user, team=team, request=request, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The team's details are saved."))
            return redirect("people:team_detail", pk=team.pk)
    return render(request, "people/team_edit.html", {"form": form, "team": team})


@login_required
def team_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    team = _team(request, pk, action=f"people.team.{step}")
    if step not in TEAM.steps:
        raise Http404
    access.require(request, TEAM.steps[step].allowed(request.user, team), action=f"people.team.{step}", obj=team)
    return TEAM.handle_page(
        request, team, step, next_url=team.get_absolute_url(),
        success=_("Done: %(step)s.") % {"step": TEAM.steps[step].label},
    )


def _service_result(request: HttpRequest, fn, success: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
    try:
        fn(actor=request.user, request=request, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


@login_required
@require_POST
def team_apply(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk, action="people.team.apply")
    access.require(
        request, access.volunteer_of(request.user) is not None, action="people.team.apply", obj=team
    )
    form = TeamApplyForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    _service_result(request, services.team_apply, _("Your request was sent to the team leader."), team=team, message=message)
    return redirect(team.get_absolute_url())


@login_required
@require_POST
def team_invite(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk, action="people.team.invite")
    access.require(request, policies.can_run_team(request.user, team), action="people.team.invite", obj=team)
    form = TeamInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the volunteer number."))
    else:
        _service_result(
            request,
            services.team_invite,
            _("The invitation was sent."),
            team=team,
            volunteer_number=form.cleaned_data["volunteer_number"],
            message=form.cleaned_data["message"],
        )
    return redirect(team.get_absolute_url())


@login_required
def team_request_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    row = TeamRequest.objects.select_related("team", "volunteer").filter(pk=parse_id(pk) or 0).first()
    if row is None or step not in TEAM_REQUEST.steps:
        raise Http404
    access.require(
        request, TEAM_REQUEST.steps[step].allowed(request.user, row), action=f"people.team_request.{step}", obj=row
    )
    next_url = row.team.get_absolute_url() if policies.can_view_team(request.user, row.team) else "/"
    return TEAM_REQUEST.handle_page(
        request, row, step, next_url=next_url, success=_("Done: %(step)s.") % {"step": TEAM_REQUEST.steps[step].label}
    )


@login_required
def my_team_requests(request: HttpRequest) -> HttpResponse:
    """Invitations waiting for this volunteer and the applications they sent."""
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="people.team_request.mine")
    rows = (
        TeamRequest.objects.filter(volunteer=volunteer)
        .select_related("team", "team__home_unit")
        .order_by("-created_at")[:50]
    )
    return render(request, "people/my_team_requests.html", {"rows": rows})
