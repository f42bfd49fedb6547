"""Order pages: residents order, staff review, teams claim and serve, residents rate, staff verify.

Thin views: each asks the access package who may see what, calls one service per action and turns its
refusals (ValidationError, PermissionDenied, Conflict) into clear messages — never a 500, nothing half-written.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.core.choices import Platform
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import error_text, page_of
from civicloop.core.hot import hot_cached
from civicloop.orders import attendance, hooks, page_selectors, selectors, services, wording
from civicloop.orders import forms as f
from civicloop.orders import policies as order_access
from civicloop.orders.models import Order, OrderAssignment, OrderPhoto, Whistle
from civicloop.orders.selectors import HALL
from civicloop.orders.templatetags.orders_tags import due_class
from civicloop.orders.workflow import QUEUE_TABS, STATUS_BADGES
from civicloop.people import services as people_services

PAGE_SIZE = 20
PLATFORM_CHARS = {p.value: p.letter for p in Platform}  # the letter lives on the Platform choice


def _short(label: Any) -> str:
    """ "讲（理论宣讲）" → "理论宣讲": the tile shows the character apart, big (see Platform.short_label)."""
    text = str(label)
    return text.split("（", 1)[1].rstrip("）") if "（" in text else text


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return error_text(exc)
    if isinstance(exc, Conflict):
        return exc.message
    return str(exc) or _("You do not have permission to do this.")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: `redirect("abc")` would try "abc" as a view name and fail with a 500.
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


DETAIL_RELATED = ("unit", "team", "requester", "escalated_to", "merged_into")
# A step needs the unit (deadlines, scope), the team (leader, capacity) and the requester's account (the
# notification), not the escalation or merge targets the page shows.
ACTION_RELATED = ("unit", "team__leader", "requester__user")
# A claim reads the team itself (locked, in its checking statement) and starts its deadline from hours that
# statement read: of the related rows only the requester's account (the notice) is needed.
CLAIM_RELATED = ("requester__user",)


def _get_order(number: str, related: tuple[str, ...] = DETAIL_RELATED) -> Order:
    order = Order.objects.select_related(*related).filter(number=number).first()
    if order is None:
        raise Http404
    return order


def _get_visible_order(request: HttpRequest, number: str, action: str) -> Order:
    order = _get_order(number)
    access.require(request, order_access.can_view_order(request.user, order), action=action, obj=order)
    return order


# --- resident -----------------------------------------------------------------------------------------------


def _resident_or_403(request: HttpRequest, action: str) -> Any:
    resident = access.resident_of(request.user)
    access.require(request, resident is not None, action=action)
    return resident


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    """点单 on a phone: pick one of six big platform tiles, then say what and when."""
    resident = _resident_or_403(request, "order_new")
    category = request.POST.get("category") or request.GET.get("category") or ""
    if category not in Platform.values:
        tiles = [(value, _short(label), PLATFORM_CHARS[value]) for value, label in Platform.choices]
        return render(request, "orders/new_pick.html", {"tiles": tiles})
    if request.method == "POST":
        form = f.OrderNewForm(request.POST)
        if form.is_valid():
            start, end = form.window()
            try:
                order = services.order_submit(
                    actor=request.user,
                    resident=resident,
                    category=form.cleaned_data["category"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    beneficiaries=form.cleaned_data["beneficiaries"],
                    address=form.cleaned_data["address"],
                    wanted_from=start,
                    wanted_to=end,
                )
            except (ValidationError, PermissionDenied, Conflict) as exc:
                form.add_error(None, _message(exc))
            else:
                messages.success(
                    request,
                    _("Your order %(number)s has been sent to your station.") % {"number": order.number},
                )
                return redirect("orders:detail", number=order.number)
    else:
        form = f.OrderNewForm(initial={"category": category, "address": resident.address})
    similar = selectors.similar_open_orders(resident, category, request.POST.get("title", ""))[:5]
    context = {
        "form": form,
        "category": category,
        "category_label": _short(Platform(category).label),
        "char": PLATFORM_CHARS[category],
        "similar": similar,
        "resident": resident,
    }
    return render(request, "orders/new_form.html", context, status=400 if form.errors else 200)


@login_required
def order_mine(request: HttpRequest) -> HttpResponse:
    resident = _resident_or_403(request, "order_mine")
    page = page_of(request, selectors.resident_orders(resident), PAGE_SIZE)
    shown = list(page.object_list)
    wording.resident_views(shown, selectors.rated_ids([o.pk for o in shown]))
    page.object_list = shown
    return render(request, "orders/mine.html", {"page": page, "badges": STATUS_BADGES})


# --- staff --------------------------------------------------------------------------------------------------


@login_required
def order_enter(request: HttpRequest) -> HttpResponse:
    """代点单: staff enter an order for a resident who phoned or came in; a new resident is created on the spot."""
    access.require(request, access.is_staff(request.user), action="order_enter")
    q = request.GET.get("q", "")
    residents = access.visible_residents(request.user).select_related("unit")
    shown = list(page_selectors.entry_residents(request.user, q)[:30])
    kwargs = {
        "residents": residents,
        "shown_residents": shown,
        "units": page_selectors.entry_units(request.user),
    }
    if request.method == "POST":
        form = f.OrderEnterForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            start, end = form.window()
            try:
                with transaction.atomic():
                    resident = data["resident"]
                    if resident is None:
                        access.require(
                            request, access.in_scope(request.user, data["new_unit"]), action="resident_enter"
                        )
                        resident = people_services.resident_enter(
                            entered_by=request.user,
                            name=data["new_name"],
                            unit=data["new_unit"],
                            phone=data["new_phone"],
                            address=data["address"],
                        )
                    order = services.order_submit(
                        actor=request.user,
                        resident=resident,
                        category=data["category"],
                        title=data["title"],
                        description=data["description"],
                        channel=data["channel"],
                        subcategory=data["subcategory"],
                        beneficiaries=data["beneficiaries"],
                        address=data["address"],
                        wanted_from=start,
                        wanted_to=end,
                    )
            except (ValidationError, Conflict) as exc:
                form.add_error(None, _message(exc))
            else:
                messages.success(request, _("Order %(number)s entered.") % {"number": order.number})
                return redirect("orders:detail", number=order.number)
    else:
        initial: dict[str, Any] = {"channel": "phone"}
        if len(shown) == 1:
            initial["resident"] = shown[0].pk
        form = f.OrderEnterForm(initial=initial, **kwargs)
    return render(request, "orders/enter.html", {"form": form, "q": q}, status=400 if form.errors else 200)




@login_required
def order_queue(request: HttpRequest) -> HttpResponse:
    """Staff queue: state tabs with counts, filters, deadline colours, bulk publish."""
    access.require(request, access.is_staff(request.user), action="order_queue")
    status = request.GET.get("status", "submitted")
    if status not in QUEUE_TABS and status != "all":
        status = "submitted"
    category = request.GET.get("category") or None
    if category not in Platform.values:
        category = None
    q = request.GET.get("q", "").strip() or None
    overdue = request.GET.get("overdue") == "1" or None
    orders = selectors.staff_queue(
        request.user,
        status=None if status == "all" else status,
        category=category,
        q=q,
        overdue=overdue,
    )
    unit_id = request.GET.get("unit", "")
    units = list(page_selectors.scope_units(request.user)[:300])
    chosen_unit = next((u for u in units if str(u.pk) == unit_id), None)
    if chosen_unit is not None:
        orders = orders.filter(unit_path__startswith=chosen_unit.path)
    counts = page_selectors.status_counts(request.user)
    tabs = [(s, Order.Status(s).label, counts.get(s, 0)) for s in QUEUE_TABS]
    context = {
        "page": page_of(request, orders, PAGE_SIZE),
        "tabs": tabs,
        "status": status,
        "category": category or "",
        "q": q or "",
        "overdue": bool(overdue),
        "units": units,
        "unit_id": unit_id,
        "platforms": Platform.choices,
        "badges": STATUS_BADGES,
    }
    return render(request, "orders/queue.html", context)


@login_required
@require_POST
def order_bulk_publish(request: HttpRequest) -> HttpResponse:
    """Publish the selected submitted orders into the hall; each one its own transaction and its own answer."""
    access.require(request, access.is_staff(request.user), action="order_bulk_publish")
    numbers = request.POST.getlist("numbers")[:100]
    if not numbers:
        messages.error(request, _("Select at least one order."))
        return redirect(_safe_next(request, reverse("orders:queue")))
    orders = order_access.visible_orders(request.user).filter(number__in=numbers)
    done, failed = 0, []
    for order in orders:
        try:
            services.order_publish(actor=request.user, order=order)
        except (ValidationError, PermissionDenied, Conflict) as exc:
            failed.append(f"{order.number}: {_message(exc)}")
        else:
            done += 1
    missing = set(numbers) - {o.number for o in orders}
    failed.extend(f"{n}: {_('not found')}" for n in sorted(missing))
    if done:
        messages.success(request, _("%(n)d orders published to the hall.") % {"n": done})
    for line in failed:
        messages.error(request, line)
    return redirect(_safe_next(request, reverse("orders:queue")))


@login_required
def order_follow_up(request: HttpRequest) -> HttpResponse:
    """Closed orders rated 2 or lower: the unit calls the resident back."""
    access.require(request, access.is_staff(request.user), action="order_follow_up")
    page = page_of(request, selectors.follow_up_orders(request.user), PAGE_SIZE)
    return render(request, "orders/follow_up.html", {"page": page})


@login_required
def whistle_list(request: HttpRequest) -> HttpResponse:
    """吹哨 queue: staff of the unit an order was raised to, and liaisons of the departments asked."""
    user = request.user
    access.require(request, access.is_staff(user) or access.is_liaison(user), action="whistle_list")
    page = page_of(request, selectors.whistle_queue(user), PAGE_SIZE)
    answerable = page_selectors.answerable_whistle_ids(user, list(page.object_list))
    return render(
        request,
        "orders/whistles.html",
        {"page": page, "answerable": answerable, "answer_form": f.AnswerForm()},
    )


@login_required
@require_POST
def whistle_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    access.require(request, access.is_staff(user) or access.is_liaison(user), action="orders.whistle_answer")
    whistle = selectors.whistle_queue(user).filter(pk=pk).first()
    if whistle is None:
        raise access.deny(request, action="orders.whistle_answer", obj=Whistle(pk=pk))
    form = f.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write an answer."))
    else:
        try:
            services.whistle_answer(actor=user, whistle=whistle, answer=form.cleaned_data["answer"])
        except (ValidationError, PermissionDenied, Conflict) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("Your answer was recorded on the order's timeline."))
    return redirect("orders:whistles")


# --- teams and volunteers -----------------------------------------------------------------------------------


@login_required
def order_hall(request: HttpRequest) -> HttpResponse:
    """接单大厅: orders the leader's teams may claim, newest and most urgent first, claimed in one tap."""
    teams = page_selectors.leader_teams(request.user)
    access.require(request, bool(teams), action="order_hall")
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), teams[0])
    category = request.GET.get("category") or None
    if category not in Platform.values:
        category = None
    served = list(team.served_units.all())  # prefetched
    units = sorted((u for u in served if u.is_active), key=lambda u: u.path)
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), None)
    by_fit = request.GET.get("sort") == "fit"

    def cards() -> str:
        return _hall_cards(request, team, category=category, unit=unit, by_fit=by_fit)

    # The cards (queries, ranking and rendering: most of the page) are kept in the shared cache under the
    # generations of the team's served units, which every move into or out of the hall beneath them bumps
    # (services._hall_changed): the list is never older than the last claim or publish; a card's due colour
    # and fit may be up to HALL_CACHE_SECONDS old. It holds what the team sees anyway: no resident's name,
    # phone or address, no encrypted field.
    key = (team.pk, team.is_active, ",".join(team.categories or ()), get_language(), request.get_full_path())
    html = hot_cached([u.path for u in served] or ["-"], key, cards, space=HALL)
    # Each session's CSRF token goes into the claim forms after the cache, never into it.
    claim_fields = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="team" value="{}"><input type="hidden" name="next" value="{}">',
        get_token(request), team.pk, request.get_full_path(),
    )  # fmt: skip
    context = {
        "by_fit": by_fit,
        "teams": teams,
        "team": team,
        "units": units,
        "unit_id": str(unit.pk) if unit else "",
        "category": category or "",
        "platforms": Platform.choices,
        "cards": mark_safe(html.replace(CLAIM_FIELDS, claim_fields)),  # rendered and escaped by the template
    }
    return render(request, "orders/hall.html", context)


# Where each card's claim form takes the session's hidden fields (a comment: escaped card text cannot hold it).
CLAIM_FIELDS = "<!--claim-fields-->"


def _hall_cards(request: HttpRequest, team: Any, *, category: str | None, unit: Any, by_fit: bool) -> str:
    """One page of the hall's cards as HTML, their claim forms' hidden fields left as CLAIM_FIELDS."""
    orders = selectors.hall_cards(request.user, team, category=category, unit=unit)
    page = page_of(request, orders, PAGE_SIZE)
    # How well each order on this page fits the team (distance, platform, time); optionally best fit first.
    ranked = hooks.rank_hall(team, list(page.object_list))
    # What every card repeats, once per page: the URL prefix and the labels.
    detail_prefix = reverse("orders:detail", args=["0"])[:-2]
    for order, fit in ranked:
        order.fit = fit
        order.detail_url = f"{detail_prefix}{quote(order.number)}/"
        order.claim_url = f"{order.detail_url}claim/"
        order.due_cls = due_class(order)
    if by_fit:
        page.object_list = [order for order, _fit in ranked]
    context = {
        "page": page,
        "request": request,  # the pagination's links keep the filters
        "claim_fields": mark_safe(CLAIM_FIELDS),  # a constant
        "claim_label": _("Claim"),
        "people_label": _("people"),
        "wanted_label": _("Wanted:"),
        "claim_by_label": _("Claim by"),
    }
    return render_to_string("orders/_hall_cards.html", context)


@login_required
def order_tasks(request: HttpRequest) -> HttpResponse:
    """My tasks: a leader's team orders with their next steps, and a volunteer's assignments."""
    teams = page_selectors.leader_teams(request.user)
    volunteer = access.volunteer_of(request.user)
    access.require(request, bool(teams) or volunteer is not None, action="order_tasks")
    team_blocks = []
    for team in teams:
        page = page_of(request, selectors.team_tasks(team), PAGE_SIZE)
        team_blocks.append((team, page))
    assignments = None
    hours = None
    if volunteer is not None:
        assignments = page_of(request, selectors.volunteer_tasks(volunteer), PAGE_SIZE)
        mine = {
            a.order_id: a
            for a in OrderAssignment.objects.filter(
                volunteer=volunteer, order__in=list(assignments.object_list)
            )
        }
        for order in assignments.object_list:
            order.my_assignment = mine.get(order.pk)
        from civicloop.records.services import volunteer_total_hours

        hours = format(volunteer_total_hours(volunteer).normalize(), "f")  # 2.50 → "2.5"
    context = {
        "team_blocks": team_blocks,
        "assignments": assignments,
        "volunteer": volunteer,
        "hours": hours,
        "badges": STATUS_BADGES,
        "checkin_form": f.CheckInForm(),
    }
    return render(request, "orders/tasks.html", context)


# --- the order page and its actions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One step an order page offers: the label, the form and the service call."""

    label: Any
    build: Callable[..., Any]
    run: Callable[[HttpRequest, Order, Any], Any]
    done: Any
    danger: bool = False


def _reason(form: Any) -> str:
    return form.cleaned_data["reason"]


def _merge(request: HttpRequest, order: Order, form: Any) -> Any:
    into = order_access.visible_orders(request.user).filter(number=form.cleaned_data["into"]).first()
    if into is None:
        raise ValidationError(_("No order with this number in your area."))
    return services.order_merge(actor=request.user, order=order, into=into, note=form.cleaned_data["note"])


def _report(request: HttpRequest, order: Order, form: Any) -> Any:
    return services.order_report(
        actor=request.user,
        order=order,
        summary=form.cleaned_data["summary"],
        people_served=form.cleaned_data["people_served"],
        hours=form.hours(),
        photos=form.cleaned_data["photos"],
    )


def _assigned_volunteers(order: Order) -> list[Any]:
    return [a.volunteer for a in order.assignments.select_related("volunteer__user").order_by("pk")]


def _claim_teams(request: HttpRequest, order: Order) -> Any:
    if request.method == "POST":
        return None  # the posted form takes the team's id; the claim service reads and checks that team
    return page_selectors.claim_teams(request.user, order)


ACTIONS: dict[str, Action] = {
    "publish": Action(
        gettext_lazy("Publish to the order hall"),
        lambda r, o, d, fl: f.EmptyForm(d),
        lambda r, o, fm: services.order_publish(actor=r.user, order=o),
        gettext_lazy("Published to the order hall."),
    ),
    "withdraw": Action(
        gettext_lazy("Withdraw from the hall"),
        lambda r, o, d, fl: f.EmptyForm(d),
        lambda r, o, fm: services.order_withdraw(actor=r.user, order=o),
        gettext_lazy("Withdrawn from the hall."),
    ),
    "dispatch": Action(
        gettext_lazy("Dispatch to a team"),
        lambda r, o, d, fl: f.DispatchForm(d, teams=page_selectors.dispatch_teams(o)),
        lambda r, o, fm: services.order_dispatch(
            actor=r.user, order=o, team=fm.cleaned_data["team"], note=fm.cleaned_data["note"]
        ),
        gettext_lazy("Dispatched."),
    ),
    "reroute": Action(
        gettext_lazy("Send to another unit"),
        lambda r, o, d, fl: f.RerouteForm(d, units=page_selectors.reroute_units(o)),
        lambda r, o, fm: services.order_reroute(
            actor=r.user, order=o, unit=fm.cleaned_data["unit"], reason=_reason(fm)
        ),
        gettext_lazy("Sent to the other unit."),
    ),
    "merge": Action(
        gettext_lazy("Merge into a duplicate"),
        lambda r, o, d, fl: f.MergeForm(d),
        _merge,
        gettext_lazy("Merged into the other order."),
    ),
    "reject": Action(
        pgettext_lazy("order action", "Reject"),
        lambda r, o, d, fl: f.ReasonForm(d),
        lambda r, o, fm: services.order_reject(actor=r.user, order=o, reason=_reason(fm)),
        gettext_lazy("Rejected; the resident sees the reason."),
        danger=True,
    ),
    "claim": Action(
        gettext_lazy("Claim"),
        lambda r, o, d, fl: f.ClaimForm(d, teams=_claim_teams(r, o)),
        lambda r, o, fm: services.order_claim(actor=r.user, order=o, team=fm.cleaned_data["team"]),
        gettext_lazy("Claimed. The order is now in your tasks."),
    ),
    "accept": Action(
        gettext_lazy("Accept"),
        lambda r, o, d, fl: f.EmptyForm(d),
        lambda r, o, fm: services.order_accept(actor=r.user, order=o),
        gettext_lazy("Accepted."),
    ),
    "decline": Action(
        gettext_lazy("Decline"),
        lambda r, o, d, fl: f.ReasonForm(d),
        lambda r, o, fm: services.order_decline(actor=r.user, order=o, reason=_reason(fm)),
        gettext_lazy("Declined; the station will find another team."),
        danger=True,
    ),
    "release": Action(
        gettext_lazy("Release back to the hall"),
        lambda r, o, d, fl: f.ReasonForm(d),
        lambda r, o, fm: services.order_release(actor=r.user, order=o, reason=_reason(fm)),
        gettext_lazy("Released back to the hall."),
        danger=True,
    ),
    "assign": Action(
        gettext_lazy("Assign volunteers"),
        lambda r, o, d, fl: f.AssignForm(d, members=page_selectors.team_members(o.team)),
        lambda r, o, fm: services.order_assign(
            actor=r.user, order=o, volunteers=list(fm.cleaned_data["volunteers"])
        ),
        gettext_lazy("Volunteers assigned."),
    ),
    "check_in": Action(
        gettext_lazy("Check in"),
        lambda r, o, d, fl: f.CheckInForm(d),
        lambda r, o, fm: services.order_check_in(
            actor=r.user, order=o, lat=fm.cleaned_data["lat"], lng=fm.cleaned_data["lng"]
        ),
        gettext_lazy("Checked in. Thank you for serving!"),
    ),
    "check_out": Action(
        gettext_lazy("Check out"),
        lambda r, o, d, fl: f.CheckOutForm(d),
        lambda r, o, fm: services.order_check_out(actor=r.user, order=o),
        gettext_lazy("Checked out."),
    ),
    "report": Action(
        gettext_lazy("File the service report"),
        # a posted report takes the hour fields it was sent (the service checks them against the attendance)
        lambda r, o, d, fl: (
            f.ReportForm(d, fl) if d is not None
            else f.ReportForm(volunteers=_assigned_volunteers(o), attended=attendance.attendance_of(o))
        ),
        _report,
        gettext_lazy("Report filed; the station will verify it."),
    ),
    "rate": Action(
        gettext_lazy("Rate the service"),
        lambda r, o, d, fl: f.RateForm(d),
        lambda r, o, fm: services.order_rate(
            actor=r.user,
            order=o,
            score=fm.cleaned_data["score"],
            tags=fm.cleaned_data["tags"],
            comment=fm.cleaned_data["comment"],
        ),
        gettext_lazy("Thank you for your rating."),
    ),
    "return": Action(
        gettext_lazy("Return for rework"),
        lambda r, o, d, fl: f.ReasonForm(d),
        lambda r, o, fm: services.order_return(actor=r.user, order=o, reason=_reason(fm)),
        gettext_lazy("Returned to the team for rework."),
        danger=True,
    ),
    "verify": Action(
        gettext_lazy("Verify and credit hours"),
        lambda r, o, d, fl: f.NoteForm(d),
        lambda r, o, fm: services.order_verify(actor=r.user, order=o, note=fm.cleaned_data["note"]),
        gettext_lazy("Verified; the volunteers' hours are credited."),
    ),
    "cancel": Action(
        gettext_lazy("Cancel the order"),
        lambda r, o, d, fl: f.OptionalReasonForm(d),
        lambda r, o, fm: services.order_cancel(actor=r.user, order=o, reason=fm.cleaned_data["reason"]),
        gettext_lazy("The order is cancelled."),
        danger=True,
    ),
    "whistle": Action(
        gettext_lazy("Blow the whistle"),
        lambda r, o, d, fl: f.WhistleForm(d, departments=page_selectors.whistle_departments()),
        lambda r, o, fm: services.order_whistle(
            actor=r.user,
            order=o,
            departments=list(fm.cleaned_data["departments"]),
            note=fm.cleaned_data["note"],
        ),
        gettext_lazy("Whistle blown; the departments are asked to respond."),
    ),
}
# After these steps the actor still sees the order (the holding team, its volunteers, the verifying staff), so
# the redirect goes to the order page without reloading it (the service left `order` up to date) or re-checking.
STILL_VIEWS = frozenset({"claim", "accept", "assign", "check_in", "check_out", "report", "verify", "rate"})
# The order in which the page lists the actions: the usual next step first, the dangerous ones last.
ACTION_ORDER = list(ACTIONS)
ACTION_ORDER.sort(key=lambda name: ACTIONS[name].danger)


def _detail_context(
    request: HttpRequest, order: Order, bound: tuple[str, Any] | None = None
) -> dict[str, Any]:
    user = request.user
    allowed = order_access.allowed_actions(user, order)
    forms = []
    for name in ACTION_ORDER:
        if name not in allowed:
            continue
        if bound is not None and bound[0] == name:
            form = bound[1]
        else:
            form = ACTIONS[name].build(request, order, None, None)
        forms.append((name, ACTIONS[name], form))
    report = getattr(order, "report", None) if hasattr(order, "report") else None
    report_hours = list(report.hours.select_related("volunteer__user")) if report else []
    photos = list(report.photos.all()) if report else []
    rating = getattr(order, "rating", None) if hasattr(order, "rating") else None
    rating_tags = [str(f.RATING_TAG_LABELS.get(t, t)) for t in (rating.tags if rating else [])]
    return {
        "order": order,
        "timeline": selectors.order_timeline(order),
        "actions": forms,
        "assignments": list(order.assignments.select_related("volunteer__user").order_by("pk")),
        "report": report,
        "report_hours": report_hours,
        "photos": photos,
        "rating": rating,
        "rating_tags": rating_tags,
        "whistles": list(
            order.whistles.select_related("to_unit", "answered_by").prefetch_related("departments")
        ),
        "full_details": order_access.can_see_order_details(user, order),
        # the exact address: the serving side only while it serves (accepted → served), as in the API
        "contact": order_access.can_see_order_details(user, order) and order_access.can_see_order_contact(user, order),
        "badges": STATUS_BADGES,
        "char": PLATFORM_CHARS.get(order.category, ""),
        "is_requester": order.requester.user_id == user.pk,
        # The person who ordered sees what happens next in their words, not staff states and deadlines.
        "resident": (
            wording.resident_view(order, rated=rating is not None)
            if order.requester.user_id == user.pk and not order_access.is_order_staff(user, order)
            else None
        ),
    }


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = _get_visible_order(request, number, "order_view")
    return render(request, "orders/detail.html", _detail_context(request, order))


@login_required
def order_photo(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    """A service photo, only to people who may see the order (the file is not reachable any other way)."""
    order = _get_visible_order(request, number, "order_photo")
    photo = get_object_or_404(OrderPhoto, pk=pk, report__order=order)
    try:
        return FileResponse(photo.image.open("rb"), content_type=mimetypes.guess_type(photo.image.name)[0])
    except FileNotFoundError:
        raise Http404 from None


@login_required
@require_POST
def order_action(request: HttpRequest, number: str, action: str) -> HttpResponseBase:
    """Run one step of the loop on an order; a refusal is a clear message and changes nothing."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    order = _get_order(number, CLAIM_RELATED if action == "claim" else ACTION_RELATED)
    if action != "claim":
        access.require(
            request, order_access.can_view_order(request.user, order), action=f"orders.{action}", obj=order
        )
    # A claim is not checked up front: the hall shows orders a leader cannot open yet, and the claim service
    # decides by the posted team (its leader, area and load) in the statement that locks it.
    default_next = reverse("orders:detail", args=[order.number])
    if action == "claim":
        default_next = reverse("orders:hall")
    form = spec.build(request, order, request.POST, request.FILES)
    error = ""
    if not form.is_valid():
        if action == "claim":
            access.require(
                request,
                order_access.team_leader_teams(request.user).exists(),
                action="order_claim",
                obj=order,
            )
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        try:
            spec.run(request, order, form)
        except ValidationError as exc:
            error = _message(exc)
            form.add_error(None, error)
        except (Conflict, PermissionDenied) as exc:
            error = _message(exc)
            if _is_htmx(request):
                return render(
                    request, "orders/_claim_result.html", {"order": order, "ok": False, "text": error}
                )
            if isinstance(exc, PermissionDenied):
                raise access.deny(request, action=f"orders.{action}", obj=order, message=error) from exc
            messages.error(request, error)
            return redirect(_safe_next(request, default_next))
    if error:
        if _is_htmx(request):
            return render(request, "orders/_claim_result.html", {"order": order, "ok": False, "text": error})
        if request.POST.get("next") or not order_access.can_view_order(request.user, order):
            messages.error(request, error)
            return redirect(_safe_next(request, default_next))
        messages.error(request, error)
        if isinstance(form, f.ReportForm):
            form.label_hours(_assigned_volunteers(order))
        context = _detail_context(request, order, bound=(action, form))
        return render(request, "orders/detail.html", context, status=400)
    if _is_htmx(request):
        return render(request, "orders/_claim_result.html", {"order": order, "ok": True, "text": spec.done})
    messages.success(request, spec.done)
    if action in STILL_VIEWS or order_access.can_view_order(request.user, order):
        default_next = reverse("orders:detail", args=[order.number])
    else:
        default_next = reverse("orders:hall") if action in {"release", "decline"} else reverse("landing")
    return redirect(_safe_next(request, default_next))
