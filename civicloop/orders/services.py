"""Writes of the service-order loop (DESIGN §2). Each function is one transaction.

Every state change goes through `_move`: it checks the allowed-moves table, conditionally updates the row
(`status` and `version` must still be what this caller read, so of many simultaneous claims exactly one wins
on SQLite and on PostgreSQL without relying on row locks), writes exactly one `OrderEvent` and leaves the
caller to queue notifications in the same transaction. Errors: ValidationError (bad input), PermissionDenied
(wrong actor), Conflict (wrong state, already taken). A failed call writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from civicloop import access
from civicloop.core.choices import FocusGroup, Platform
from civicloop.core.counters import contribution_of, counters_add_row, counters_batch, counters_follow
from civicloop.core.exceptions import Conflict
from civicloop.core.hot import hot_invalidate
from civicloop.core.msg import Msg, unit_language
from civicloop.core.workflow import Actor
from civicloop.network.models import Unit
from civicloop.notify.services import notify_queue
from civicloop.orders import attendance
from civicloop.orders import policies as policy
from civicloop.orders.counters import counted_already
from civicloop.orders.models import (
    Order,
    OrderAssignment,
    OrderAttendance,
    OrderEvent,
    OrderNumberSequence,
    OrderPhoto,
    OrderRating,
    OrderReport,
    OrderReportHours,
    UnitDeadlines,
    Whistle,
)
from civicloop.orders.selectors import HALL
from civicloop.orders.workflow import DEADLINES, DEFAULT_HOURS, ORDER, due
from civicloop.orders.workflow import deadlines_for as deadlines_for  # its home was here
from civicloop.orders.workflow import requester_user as _requester_user
from civicloop.orders.workflow import staff_users as _staff_users
from civicloop.people.models import Team

if TYPE_CHECKING:
    from civicloop.people.models import User

S = Order.Status
MAX_TEXT = 2000


# --- helpers -----------------------------------------------------------------------------------------------


def _denied(message: str | None = None) -> PermissionDenied:
    return PermissionDenied(message or _("You do not have permission to do this."))


def _require(user: Any, action: str, order: Order, *, team: Any = None) -> None:
    if not policy.may(user, action, order, team=team):
        raise _denied()


def _state_conflict(order: Order) -> Conflict:
    return Conflict(
        _("This cannot be done while the order is “%(status)s”.") % {"status": order.get_status_display()}
    )


def _text(value: Any, label: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(_("Please fill in %(field)s.") % {"field": label})
    if len(text) > max_length:
        raise ValidationError(
            _("%(field)s is too long (at most %(n)d characters).") % {"field": label, "n": max_length}
        )
    return text


def _due(unit: Unit, kind: str) -> dt.datetime:
    return due(unit, kind, timezone.now())


def _url(order: Order) -> str:
    return f"/orders/{order.number}/"


def _notify(order: Order, recipients: Iterable[Any], kind: str, title: Msg, body: str = "") -> None:
    # Notices outside a declared step (a new order); the steps declare theirs (orders/workflow.py).
    notify_queue(
        recipients=recipients, kind=f"order_{kind}", title=title, body=body, url=_url(order), order=order
    )


def _team(order: Order) -> Team:
    """The team an order in a team state belongs to (the state guarantees one)."""
    team = order.team
    if team is None:
        raise Conflict(_("This order has no team yet."))
    return team


def _setting_int(name: str, default: int) -> int:
    value: Any = settings.CIVICLOOP.get(name, default)
    return int(value)


def _event(
    order: Order,
    *,
    action: str,
    actor: Actor,
    from_status: str,
    to_status: str,
    note: str = "",
    automatic: bool = False,
    unit: Unit | None = None,
    extra: dict[str, Any] | None = None,
) -> OrderEvent:
    """A timeline entry outside a state change: the first one ("submit") or a declared record step."""
    if action == "submit":
        return ORDER.begin(order, actor=actor, step="submit", note=note)
    return _record(order, action=action, actor=actor, note=note, automatic=automatic, unit=unit, extra=extra)


def _move(
    order: Order,
    *,
    action: str,
    actor: Actor,
    note: str = "",
    automatic: bool = False,
    changes: dict[str, Any] | None = None,
    cleaned: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> OrderEvent:
    """Run the declared step (orders/workflow.py): state check, conditional update on (status, version), the
    step's own changes and deadlines, one event, audit row, counters and the step's notices. The caller has
    checked the actor and the input already (`cleaned`, the step form's fields)."""
    step = ORDER.steps[action]
    if order.status not in step.moves_from():
        raise _state_conflict(order)
    was_open, path = order.status == S.OPEN, order.unit_path
    event = ORDER.apply(
        action, order, actor=actor, cleaned=dict(cleaned or {}), note=note, automatic=automatic, changes=changes,
        skip_actor_check=True, extra=extra,
    )
    if was_open or order.status == S.OPEN:
        _hall_changed(path, order.unit_path)
    return event


def _hall_changed(*paths: str) -> None:
    """An order moved into, out of or within the hall: the cached hall pages of teams serving its unit or any unit
    above it are stale once this transaction commits."""
    hot_invalidate({p for path in paths for p in _ancestor_paths(path)}, space=HALL)


def _record(
    order: Order,
    *,
    action: str,
    actor: Actor,
    note: str = "",
    automatic: bool = False,
    unit: Unit | None = None,
    cleaned: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> OrderEvent:
    """A timeline entry that does not move the state (a declared step, in a state where it only records)."""
    if order.status not in ORDER.steps[action].records_from():
        raise _state_conflict(order)
    if order.status == S.OPEN:  # e.g. an escalation raises an open order's place in the hall
        _hall_changed(order.unit_path)
    return ORDER.apply(
        action, order, actor=actor, cleaned=dict(cleaned or {}), note=note, automatic=automatic, unit=unit,
        skip_actor_check=True, extra=extra,
    )


def _today_prefix(now: dt.datetime, unit: Unit) -> str:
    """The day's numbers are counted per practice unit (KD-20261202-0037-0001: the unit's 1st order that day), so
    submissions at different stations never wait on one counter row; the unit in the number also tells staff at a
    glance where an order belongs."""
    local = timezone.localtime(now)
    return f"{settings.CIVICLOOP['DISTRICT_PREFIX']}-{local:%Y%m%d}-{unit.pk:04d}-"


def _next_number(prefix: str) -> str:
    """Next number for the prefix; call inside a transaction (the sequence row stays locked until it ends)."""
    table = connection.ops.quote_name(OrderNumberSequence._meta.db_table)
    bump = f"UPDATE {table} SET last = last + 1 WHERE prefix = %s RETURNING last"  # one statement, both databases
    with connection.cursor() as cursor:
        cursor.execute(bump, [prefix])
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                # First order of the day: start after any number already used (e.g. orders loaded by hand).
                last = (
                    Order.objects.filter(number__startswith=prefix)
                    .order_by("-number")
                    .values_list("number", flat=True)
                    .first()
                )
                OrderNumberSequence.objects.create(
                    prefix=prefix, last=int(last.rsplit("-", 1)[1]) if last else 0
                )
        except IntegrityError:
            pass  # another submission created it first
        with connection.cursor() as cursor:
            cursor.execute(bump, [prefix])
            row = cursor.fetchone()
    return f"{prefix}{row[0]:04d}"


# --- 点单 ----------------------------------------------------------------------------------------------------


def _wanted_time(value: dt.datetime | None) -> dt.datetime | None:
    """A wanted time in the platform's time zone when it came without one (API clients may send naive times);
    years far from now are refused (they cannot be stored on every database)."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not 2000 <= value.year <= timezone.now().year + 10:
        raise ValidationError(_("The wanted time is not valid."))
    return value


def order_submit(
    *,
    actor: User,
    resident: Any,
    category: str,
    title: str,
    description: str,
    channel: str = "online",
    subcategory: str = "",
    beneficiaries: int = 1,
    focus_group: str = "",
    address: str = "",
    lat: float | None = None,
    lng: float | None = None,
    wanted_from: dt.datetime | None = None,
    wanted_to: dt.datetime | None = None,
    unit: Unit | None = None,
) -> Order:
    """A resident orders a service, or staff enter one on a resident's behalf (代点单)."""
    if resident is None or resident.erased_at is not None:
        raise ValidationError(_("Choose the resident this order is for."))
    own = resident.user_id is not None and resident.user_id == getattr(actor, "pk", None)
    # A resident's own online order does not need the staff check (it only widens the channels allowed).
    needs_staff = not own or channel not in (Order.Channel.ONLINE, Order.Channel.WISH_WALL)
    staff = (
        needs_staff
        and access.can_view_resident(actor, resident)
        and access.path_in_scope(actor, resident.unit_path)
    )
    if not own and not staff:
        raise _denied()
    if category not in Platform.values:
        raise ValidationError(_("Choose one of the six service platforms."))
    if channel not in Order.Channel.values:
        raise ValidationError(_("Unknown channel."))
    if own and not staff:
        channel = (
            channel if channel in (Order.Channel.ONLINE, Order.Channel.WISH_WALL) else Order.Channel.ONLINE
        )
    elif not own and channel == Order.Channel.ONLINE:
        channel = Order.Channel.STAFF_ENTRY
    title = _text(title, _("title"), max_length=100)
    description = _text(description, _("description"), required=False)
    subcategory = _text(subcategory, _("sub-category"), required=False, max_length=50)
    try:
        beneficiaries = int(beneficiaries)
    except (TypeError, ValueError):
        raise ValidationError(_("The number of people must be a whole number.")) from None
    if not 1 <= beneficiaries <= 1000:
        raise ValidationError(_("The number of people must be between 1 and 1000."))
    if focus_group and focus_group not in FocusGroup.values:
        raise ValidationError(_("Unknown focus group."))
    if (lat is None) != (lng is None):
        raise ValidationError(_("Give both latitude and longitude, or neither."))
    if lat is not None and not (-90 <= float(lat) <= 90 and -180 <= float(lng) <= 180):  # type: ignore[arg-type]
        raise ValidationError(_("The coordinates are not valid."))
    wanted_from, wanted_to = _wanted_time(wanted_from), _wanted_time(wanted_to)
    if wanted_from and wanted_to and wanted_to <= wanted_from:
        raise ValidationError(_("The end of the wanted time must be after its start."))
    if wanted_to and wanted_to < timezone.now():
        raise ValidationError(_("The wanted time is already over."))
    owner = unit or resident.unit
    if not owner.is_active or owner.kind != Unit.Kind.PRACTICE:
        raise ValidationError(_("Orders belong to an active practice unit."))
    if unit is not None and not (resident.unit_path.startswith(unit.path) or access.in_scope(actor, unit)):
        raise ValidationError(_("This unit does not serve the resident."))
    address = _text(address, _("address"), required=False, max_length=200) or resident.address or ""
    now = timezone.now()
    prefix = _today_prefix(now, owner)
    # Read before numbering: the unit's sequence row for the day stays locked from numbering until commit, and
    # every submission to that unit waits for it, so nothing that can be read earlier is read while holding it.
    review_due = _due(owner, "review")
    owner_staff = _staff_users(owner)
    with transaction.atomic():
        for _attempt in range(20):
            try:
                with transaction.atomic():
                    order = Order.objects.create(
                        number=_next_number(prefix),
                        channel=channel,
                        category=category,
                        subcategory=subcategory,
                        title=title,
                        description=description,
                        requester=resident,
                        entered_by=actor if not own else None,
                        beneficiaries=beneficiaries,
                        focus_group=focus_group,
                        address=address,
                        lat=lat,
                        lng=lng,
                        wanted_from=wanted_from,
                        wanted_to=wanted_to,
                        unit=owner,
                        unit_path=owner.path,
                        review_due=review_due,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise Conflict(_("Could not number the order; please try again."))
        _event(order, action="submit", actor=actor, from_status="", to_status=S.SUBMITTED)
        counters_add_row("order", order)
        _notify(
            order,
            owner_staff,
            "submitted",
            Msg(gettext_noop("New order %(n)s: %(t)s"), n=order.number, t=title),
        )
        if not own:
            _notify(
                order,
                _requester_user(order),
                "entered",
                Msg(gettext_noop("An order was entered for you: %(t)s"), t=title),
            )
    return order


# --- 梳理 ----------------------------------------------------------------------------------------------------


@transaction.atomic
def order_publish(*, actor: Actor, order: Order) -> Order:
    _require(actor, "publish", order)
    _move(order, action="publish", actor=actor)
    return order


@transaction.atomic
def order_withdraw(*, actor: Actor, order: Order) -> Order:
    _require(actor, "withdraw", order)
    _move(order, action="withdraw", actor=actor)
    return order


@transaction.atomic
def order_dispatch(*, actor: Actor, order: Order, team: Any, note: str = "", automatic: bool = False) -> Order:
    if not automatic:
        _require(actor, "dispatch", order)
    if team is None or not team.is_active or team.leader_id is None:
        raise ValidationError(_("Choose an active team with a leader."))
    if not (policy.team_serves(team, order) or (actor is not None and access.path_in_scope(actor, team.unit_path))):
        raise ValidationError(_("This team does not serve this order's area or platform."))
    note = _text(note, _("note"), required=False, max_length=300)
    _move(order, action="dispatch", actor=actor, note=note, automatic=automatic, cleaned={"team": team})
    return order


@transaction.atomic
def _auto_rating_note(days: int) -> str:
    with unit_language():
        return _("Automatic rating after %(d)d days without one") % {"d": days}


def order_reroute(*, actor: User, order: Order, unit: Unit, reason: str) -> Order:
    _require(actor, "reroute", order)
    reason = _text(reason, _("reason"), max_length=300)
    if unit is None or not unit.is_active or unit.kind != Unit.Kind.PRACTICE:
        raise ValidationError(_("Choose an active practice unit."))
    if unit.pk == order.unit_id:
        raise ValidationError(_("The order already belongs to this unit."))
    parent = Unit.objects.get_parent(order.unit)
    reachable = access.in_scope(actor, unit) or (parent is not None and unit.path.startswith(parent.path))
    if not reachable:
        raise ValidationError(_("Orders can be rerouted up, down or to a neighbouring unit only."))
    old = order.unit
    _move(
        order,
        action="reroute",
        actor=actor,
        note=_("%(a)s → %(b)s: %(r)s") % {"a": old.name, "b": unit.name, "r": reason},
        cleaned={"unit": unit, "reason": reason},
    )
    return order


@transaction.atomic
def order_merge(*, actor: Actor, order: Order, into: Order, note: str = "") -> Order:
    _require(actor, "merge", order)
    if into is None or into.pk == order.pk:
        raise ValidationError(_("Choose another order to merge into."))
    if into.status in (S.REJECTED, S.CANCELLED):
        raise ValidationError(_("The order to merge into is already finished."))
    if not policy.is_order_staff(actor, into):
        raise ValidationError(_("The order to merge into is outside your area."))
    note = _text(note, _("note"), required=False, max_length=300)
    with unit_language():  # the timeline note is read by everyone: the platform's language, not the clicker's
        merged = _("Merged into %(n)s") % {"n": into.number}
    _move(order, action="merge", actor=actor, note=merged + (f": {note}" if note else ""), cleaned={"into": into})
    return order


@transaction.atomic
def order_reject(*, actor: Actor, order: Order, reason: str) -> Order:
    _require(actor, "reject", order)
    reason = _text(reason, _("reason"), max_length=300)
    _move(order, action="reject", actor=actor, note=reason, cleaned={"reason": reason})
    return order


# --- 领单/接单 -------------------------------------------------------------------------------------------------


@transaction.atomic
def order_claim(*, actor: Actor, order: Order, team: Team | int | None) -> Order:
    """A team leader takes an open order from the hall. Of simultaneous claims exactly one wins.

    `team` is the claiming team or its id. The winning path costs one read beyond the order: a single statement
    that locks the team row, reads it fresh (its leader, state and capacity as they are now, not as the form
    saw them) and answers "does it serve this unit", "how many orders does it hold" and "how long may it take"
    together.
    """
    team_id = team.pk if isinstance(team, Team) else team
    leader_only = _("Only the leader of an active team can claim orders.")
    if team_id is None:
        raise _denied(leader_only)
    paths = [order.unit_path[:i] for i in range(Unit.steplen, len(order.unit_path) + 1, Unit.steplen)]
    load_of = (
        Order.objects.filter(team_id=OuterRef("pk"), status__in=policy.LOAD)
        .order_by()
        .values("team_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    serves = Team.served_units.through.objects.filter(team_id=OuterRef("pk"), unit__path__in=paths)
    hours = (
        UnitDeadlines.objects.filter(unit__path__in=paths).order_by("-unit__depth").values("complete_hours")
    )
    teams = Team.objects.filter(pk=team_id)
    if connection.features.has_select_for_update:
        # Lock the team row so two claims of different orders by one team cannot both pass the capacity check
        # (PostgreSQL row lock; SQLite's IMMEDIATE transactions already serialise writers).
        teams = teams.select_for_update(of=("self",))
    locked = teams.annotate(
        load=Coalesce(Subquery(load_of), 0), serves=Exists(serves), complete_hours=Subquery(hours[:1])
    ).first()
    if locked is None or locked.leader_id != getattr(actor, "pk", None) or not locked.is_active:
        raise _denied(leader_only)
    if order.category not in (locked.categories or []) or not locked.serves:
        raise _denied(_("Your team does not serve this order's area or platform."))
    taken = _("This order has already been taken by another team.")
    if order.status != S.OPEN:
        if order.status in (S.ACCEPTED, S.IN_SERVICE, S.SERVED, S.CLOSED, S.DISPATCHED):
            raise Conflict(taken)
        raise _state_conflict(order)
    if locked.load >= locked.capacity:
        raise Conflict(_("Your team already holds as many orders as it can take at once."))
    complete_hours = locked.complete_hours
    if complete_hours is None:  # no unit on the way up has its own deadlines: the defaults, as deadlines_for
        complete_hours = {**DEFAULT_HOURS, **getattr(settings, "CIVICLOOP", {}).get("ORDER_DEADLINES", {})}[
            "complete"
        ]
    _move(
        order, action="claim", actor=actor, note=locked.name, cleaned={"team": locked},
        extra={"complete_hours": complete_hours},
    )
    return order


@transaction.atomic
def order_accept(*, actor: Actor, order: Order) -> Order:
    _require(actor, "accept", order)
    _team(order)
    _move(order, action="accept", actor=actor)
    return order


@transaction.atomic
def order_decline(*, actor: Actor, order: Order, reason: str) -> Order:
    _require(actor, "decline", order)
    reason = _text(reason, _("reason"), max_length=300)
    team = _team(order)
    _move(order, action="decline", actor=actor, note=f"{team.name}: {reason}", cleaned={"reason": reason})
    return order


@transaction.atomic
def order_release(*, actor: Actor, order: Order, reason: str) -> Order:
    _require(actor, "release", order)
    reason = _text(reason, _("reason"), max_length=300)
    team = _team(order)
    if order.status == S.ACCEPTED and order.assignments.filter(sessions__gt=0).exists():
        raise Conflict(_("Service has started; the order can no longer be released."))
    _move(order, action="release", actor=actor, note=f"{team.name}: {reason}", cleaned={"reason": reason})
    order.assignments.all().delete()
    policy.forget_assignments(order)
    return order


# --- 服务 ----------------------------------------------------------------------------------------------------


@transaction.atomic
def order_assign(*, actor: Actor, order: Order, volunteers: Sequence[Any]) -> Order:
    """The leader picks team members for the order (replaces those not yet checked in)."""
    _require(actor, "assign", order)
    if order.status not in policy.RECORDS["assign"]:
        raise _state_conflict(order)
    volunteers = [v for v in volunteers if v is not None]
    if not volunteers:
        raise ValidationError(_("Choose at least one volunteer."))
    members = set(
        _team(order).memberships.filter(volunteer__is_active=True).values_list("volunteer_id", flat=True)
    )
    chosen = {v.pk for v in volunteers}
    if not chosen <= members:
        raise ValidationError(_("Only active members of the team can be assigned."))
    # Those who served a session stay (their attendance counts); the others not chosen again are dropped.
    order.assignments.filter(sessions=0).exclude(volunteer_id__in=chosen).delete()
    have = set(order.assignments.values_list("volunteer_id", flat=True))
    OrderAssignment.objects.bulk_create(
        [OrderAssignment(order=order, volunteer_id=pk) for pk in sorted(chosen - have)]
    )
    policy.forget_assignments(order)
    names = ", ".join(v.user.display_name for v in volunteers)
    _record(
        order, action="assign", actor=actor, note=names, cleaned={"volunteers": volunteers},
        extra={"added": [v.user for v in volunteers if v.pk not in have]},
    )
    return order


def _rework(order: Order) -> bool:
    """Has the order been returned for rework? (a report exists; it takes at least six moves to get there)"""
    return order.version >= 6 and OrderReport.objects.filter(order=order).exists()


def _check_in_allowed(order: Order, *, lat: float | None, lng: float | None, now: dt.datetime) -> None:
    """Inside the window around the service time, and near the order when both positions are known."""
    window = None if _rework(order) else attendance.window_of(order.wanted_from, order.wanted_to)
    if window is not None and order.wanted_from is not None:
        slot = attendance.slot_text(order.wanted_from, order.wanted_to)
        if now < window[0]:
            raise Conflict(
                _("It is not time to check in yet: the service is booked for %(slot)s; you can check in from "
                  "%(start)s.") % {"slot": slot, "start": attendance.local_text(window[0])}
            )
        if now > window[1]:
            raise Conflict(
                _("Check-in has closed: the service was booked for %(slot)s and check-in ended at %(end)s. "
                  "Please ask the station to arrange a new time.") % {"slot": slot, "end": attendance.local_text(window[1])}
            )
    if lat is not None and lng is not None and order.lat is not None and order.lng is not None:
        away = attendance.distance_m(float(lat), float(lng), order.lat, order.lng)
        limit = attendance.checkin_distance_m()
        if away > limit:
            raise ValidationError(
                _("You are about %(d)d m from the service address; check in within %(max)d m of it.")
                % {"d": round(away), "max": limit}
            )


@transaction.atomic
def order_check_in(*, actor: Actor, order: Order, lat: float | None = None, lng: float | None = None) -> Order:
    """An assigned volunteer (or the leader) starts service; the first check-in moves the order to in_service.

    Accepted only inside the window around the order's service time and, when the phone sent a position and the
    order has one, near the order (orders/attendance.py). Each check-in opens one attendance session: after a
    return for rework the volunteers check in (and out) again for the rework."""
    _require(actor, "check_in", order)
    if (lat is None) != (lng is None) or (
        lat is not None and not (-90 <= float(lat) <= 90 and -180 <= float(lng) <= 180)  # type: ignore[arg-type]
    ):
        raise ValidationError(_("The coordinates are not valid."))
    assignment = policy.assignment_of(actor, order)
    if order.status not in (S.ACCEPTED, S.IN_SERVICE):
        raise _state_conflict(order)
    if order.status == S.IN_SERVICE:
        if assignment is None:
            raise Conflict(_("Service has already started."))
        if assignment.checked_in_at is not None:
            raise Conflict(_("You have already checked in."))
    now = timezone.now()
    _check_in_allowed(order, lat=lat, lng=lng, now=now)
    if assignment is not None and assignment.checked_in_at is None:
        session = assignment.sessions + 1
        updated = OrderAssignment.objects.filter(
            pk=assignment.pk, checked_in_at__isnull=True, sessions=assignment.sessions
        ).update(checked_in_at=now, checked_out_at=None, check_lat=lat, check_lng=lng, sessions=session)
        if updated != 1:
            raise Conflict(_("You have already checked in."))
        OrderAttendance.objects.create(
            order=order, assignment=assignment, volunteer_id=assignment.volunteer_id, session=session,
            checked_in_at=now, lat=lat, lng=lng,
        )
        policy.forget_assignments(order)
    who = getattr(actor, "display_name", "")
    step = _move if order.status == S.ACCEPTED else _record  # later volunteers only record their check-in
    step(order, action="check_in", actor=actor, note=who, cleaned={"lat": lat, "lng": lng})
    return order


@transaction.atomic
def order_check_out(*, actor: Actor, order: Order) -> Order:
    """Ends the volunteer's current session. A separate, confirmed step (the page asks first), refused sooner
    than CHECKOUT_MIN_MINUTES after the check-in so a double tap on 签到 never records a 0-minute service."""
    _require(actor, "check_out", order)
    if order.status != S.IN_SERVICE:
        raise _state_conflict(order)
    assignment = policy.assignment_of(actor, order)
    if assignment.checked_in_at is None:
        raise Conflict(_("Check in first."))
    if assignment.checked_out_at is not None:
        raise Conflict(_("You have already checked out."))
    now = timezone.now()
    least = attendance.checkout_min_minutes()
    served = (now - assignment.checked_in_at).total_seconds() / 60
    if served < least:
        raise Conflict(
            _("You checked in only %(n)d minutes ago; you can check out after %(min)d minutes of service.")
            % {"n": int(served), "min": least}
        )
    updated = OrderAssignment.objects.filter(pk=assignment.pk, checked_out_at__isnull=True).update(
        checked_out_at=now
    )
    if updated != 1:
        raise Conflict(_("You have already checked out."))
    OrderAttendance.objects.filter(assignment=assignment, session=assignment.sessions).update(checked_out_at=now)
    policy.forget_assignments(order)
    _record(order, action="check_out", actor=actor, note=getattr(actor, "display_name", ""))
    return order


def _clean_hours(order: Order, hours: dict[Any, Any]) -> dict[int, Decimal]:
    """Hours per volunteer, bounded by attendance: only volunteers who checked in for this order, at most the
    time they attended (all sessions) plus HOURS_TOLERANCE. Zero means "not credited"."""
    if not hours:
        raise ValidationError(_("Give the hours of at least one volunteer."))
    attended = attendance.attendance_of(order)
    clean: dict[int, Decimal] = {}
    for key, value in hours.items():
        try:
            pk = int(getattr(key, "pk", key))
            amount = Decimal(str(value)).quantize(Decimal("0.01"))
        except (TypeError, ValueError, InvalidOperation):
            raise ValidationError(_("Hours must be a number.")) from None
        if not amount.is_finite():
            raise ValidationError(_("Hours must be a number."))
        if amount < 0 or amount > 24:
            raise ValidationError(_("Hours must be from 0 to 24."))
        if amount == 0:
            continue
        seen = attended.get(pk)
        if seen is None:
            raise ValidationError(
                _("Hours can only be credited to volunteers who checked in for this order.")
            )
        if amount > seen.limit:
            raise ValidationError(
                _("%(name)s attended %(h)s h (check-in to check-out); credit at most %(max)s h.")
                % {"name": seen.name, "h": _hours_text(seen.hours), "max": _hours_text(seen.limit)}
            )
        clean[pk] = amount
    if not clean:
        raise ValidationError(_("Give the hours of at least one volunteer who checked in."))
    return clean


def _hours_text(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


@transaction.atomic
def order_report(
    *,
    actor: Actor,
    order: Order,
    summary: str,
    people_served: int,
    hours: dict[int, Decimal],
    photos: Sequence[Any] = (),
) -> Order:
    """The leader files what was done, people served and hours per volunteer; the order waits for verification."""
    _require(actor, "report", order)
    if order.status != S.IN_SERVICE:
        raise _state_conflict(order)
    summary = _text(summary, _("what was done"))
    try:
        people_served = int(people_served)
    except (TypeError, ValueError):
        raise ValidationError(_("The number of people served must be a whole number.")) from None
    if not 0 <= people_served <= 10000:
        raise ValidationError(_("The number of people served must be between 0 and 10000."))
    clean = _clean_hours(order, hours)
    if len(photos) > 9:
        raise ValidationError(_("At most 9 photos."))
    # A report exists only after a return for rework, which takes at least six moves (publish/dispatch,
    # claim/accept, check-in, report, return, check-in): below that there is nothing to look up.
    report = OrderReport.objects.filter(order=order).first() if order.version >= 6 else None
    if report is None:
        try:
            report = OrderReport.objects.create(
                order=order,
                summary=summary,
                people_served=people_served,
                filed_by=actor,
                served_on=timezone.localdate(),
            )
        except IntegrityError:  # another report of this order is being filed at this moment
            raise Conflict(_("Someone else changed this order just now. Reload and try again.")) from None
    else:  # a new report after return-for-rework supersedes the old one
        report.summary = summary
        report.people_served = people_served
        report.filed_by = actor
        report.served_on = timezone.localdate()
        report.save()
        report.hours.all().delete()
    OrderReportHours.objects.bulk_create(
        [OrderReportHours(report=report, volunteer_id=pk, hours=h) for pk, h in clean.items()]
    )
    for photo in photos:
        OrderPhoto.objects.create(report=report, image=photo)
    _move(
        order, action="report", actor=actor, note=summary[:300],
        cleaned={"summary": summary, "people_served": people_served, "photos": list(photos)},
    )
    return order


# --- 评单 / 验单 ---------------------------------------------------------------------------------------------


RATING_TAGS_MAX = 10


@transaction.atomic
def order_rate(
    *, actor: Actor, order: Order, score: int, tags: Iterable[str] = (), comment: str = ""
) -> OrderRating:
    """The requester rates once, while the order is served or closed (a record, not a state)."""
    _require(actor, "rate", order)
    if order.status not in policy.RECORDS["rate"]:
        raise _state_conflict(order)
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ValidationError(_("The score must be from 1 to 5.")) from None
    if not 1 <= score <= 5:
        raise ValidationError(_("The score must be from 1 to 5."))
    tags = [str(t).strip()[:20] for t in tags if str(t).strip()]
    if len(tags) > RATING_TAGS_MAX:
        raise ValidationError(_("At most %(n)d tags.") % {"n": RATING_TAGS_MAX})
    comment = _text(comment, _("comment"), required=False, max_length=500)
    counted = contribution_of("order", order)
    try:
        with transaction.atomic():
            rating = OrderRating.objects.create(
                order=order, score=score, tags=tags, comment=comment, rated_by=actor
            )
    except IntegrityError:
        raise Conflict(_("This order has already been rated.")) from None
    counters_follow("order", order, counted)
    _record(
        order, action="rate", actor=actor, note=f"{score}/5 {comment}".strip(),
        cleaned={"score": score, "tags": tags, "comment": comment},
    )
    return rating


@transaction.atomic
def order_return(*, actor: Actor, order: Order, reason: str) -> Order:
    _require(actor, "return", order)
    reason = _text(reason, _("reason"), max_length=300)
    _move(order, action="return", actor=actor, note=reason, cleaned={"reason": reason})
    # The rework is a session of its own: the volunteers check in and out again (the earlier sessions stay in
    # OrderAttendance and still count towards the hours).
    OrderAssignment.objects.filter(order=order).update(checked_in_at=None, checked_out_at=None)
    policy.forget_assignments(order)
    return order


@transaction.atomic
def order_verify(*, actor: Actor, order: Order, note: str = "") -> Order:
    """Staff verify the report: each volunteer's hours become a ledger row; the order is closed."""
    from civicloop.records.models import ServiceRecord
    from civicloop.records.services import records_credit

    _require(actor, "verify", order)
    if order.status != S.SERVED:
        raise _state_conflict(order)
    note = _text(note, _("note"), required=False, max_length=300)
    # The report comes with its hours (a filed report always credits someone): one read for both.
    rows = list(
        OrderReportHours.objects.filter(report__order=order).select_related("report", "volunteer__user").order_by("pk")
    )
    report = rows[0].report if rows else OrderReport.objects.filter(order=order).first()
    if report is None:
        raise Conflict(_("There is no report to verify."))
    counted_already(order, people_served=report.people_served)  # read just now, in this transaction
    with counters_batch():  # the order's figures and the hours credited: one write
        _move(order, action="verify", actor=actor, note=note, extra={"credited": [r.volunteer.user for r in rows]})
        if rows:
            records_credit(
                credits=[(row.volunteer, row.hours) for row in rows],
                source=ServiceRecord.Source.ORDER,
                source_id=order.pk,
                unit=order.unit,
                served_on=report.served_on,
                category=order.category,
                description=f"{order.number} {order.title}",
                created_by=actor,
            )
    return order


@transaction.atomic
def order_cancel(*, actor: Actor, order: Order, reason: str = "") -> Order:
    _require(actor, "cancel", order)
    reason = _text(reason, _("reason"), required=False, max_length=300)
    if order.status == S.ACCEPTED and order.assignments.filter(sessions__gt=0).exists():
        raise Conflict(_("Service has started; the order can no longer be cancelled."))
    _move(order, action="cancel", actor=actor, note=reason, cleaned={"reason": reason})
    return order


# --- 吹哨 ----------------------------------------------------------------------------------------------------


def _raise_target(order: Order) -> Unit:
    current = order.escalated_to or order.unit
    return Unit.objects.get_parent(current) or current


@transaction.atomic
def order_whistle(*, actor: Actor, order: Order, departments: Sequence[Unit], note: str) -> Whistle:
    """Staff blow the whistle on a hard order: raised one level up, named departments are asked to respond."""
    _require(actor, "whistle", order)
    if order.status not in policy.RECORDS["whistle"]:
        raise _state_conflict(order)
    note = _text(note, _("note"), max_length=1000)
    departments = [d for d in departments if d is not None]
    if not departments:
        raise ValidationError(_("Name at least one department to respond."))
    if any(d.kind == Unit.Kind.PRACTICE or not d.is_active for d in departments):
        raise ValidationError(_("Only active departments, social organisations or venues can be asked."))
    target = _raise_target(order)
    whistle = Whistle.objects.create(
        order=order,
        reason=Whistle.Reason.MANUAL,
        raised_by=actor,
        from_unit=order.unit,
        to_unit=target,
        to_unit_path=target.path,
        note=note,
    )
    whistle.departments.set(departments)
    Order.objects.filter(pk=order.pk).update(escalation_level=F("escalation_level") + 1, escalated_to=target)
    order.escalation_level += 1
    order.escalated_to = target
    names = "、".join(d.name for d in departments)
    _record(
        order, action="whistle", actor=actor, note=f"{names}: {note}", cleaned={"departments": departments},
        extra={"target": target, "note": note},
    )
    return whistle


@transaction.atomic
def whistle_answer(*, actor: Actor, whistle: Whistle, answer: str) -> Whistle:
    if not policy.can_answer_whistle(actor, whistle):
        raise _denied()
    answer = _text(answer, _("answer"), max_length=1000)
    updated = Whistle.objects.filter(pk=whistle.pk, answered_at__isnull=True).update(
        answer=answer, answered_by=actor, answered_at=timezone.now()
    )
    if updated != 1:
        raise Conflict(_("This whistle has already been answered."))
    whistle.refresh_from_db()
    order = whistle.order
    _event(
        order,
        action="whistle_answer",
        actor=actor,
        from_status=order.status,
        to_status=order.status,
        note=answer,
        extra={"raised_by": [whistle.raised_by] if whistle.raised_by_id else []},
    )
    return whistle


# --- periodic jobs (idempotent) ------------------------------------------------------------------------------

OVERDUE = (
    (Whistle.Reason.REVIEW, "review_due", DEADLINES["review_due"]),
    (Whistle.Reason.CLAIM, "claim_due", DEADLINES["claim_due"]),
    (Whistle.Reason.COMPLETE, "complete_due", DEADLINES["complete_due"]),
)


def orders_escalate_overdue(limit: int = 500) -> int:
    """Raise each overdue order one level to the parent unit, once per deadline. Returns how many were raised."""
    now = timezone.now()
    raised = 0
    for reason, field, states in OVERDUE:
        done = Whistle.objects.filter(
            order=OuterRef("pk"), reason=reason, automatic=True, deadline=OuterRef(field)
        )
        candidates = (
            Order.objects.filter(status__in=states, **{f"{field}__lt": now})
            .exclude(Exists(done))
            .select_related("unit", "escalated_to")
            .order_by(field)[:limit]
        )
        for order in candidates:
            try:
                with transaction.atomic():
                    _escalate(order, reason=reason, deadline=getattr(order, field))
                raised += 1
            except IntegrityError:  # another worker raised it for this deadline already
                continue
    return raised


def _escalate(order: Order, *, reason: str, deadline: dt.datetime) -> None:
    target = _raise_target(order)
    whistle = Whistle.objects.create(
        order=order,
        reason=reason,
        from_unit=order.escalated_to or order.unit,
        to_unit=target,
        to_unit_path=target.path,
        automatic=True,
        deadline=deadline,
        note=str(Whistle.Reason(reason).label),
    )
    departments = unit_settings_for(target).departments  # the departments the raised-to unit mobilises
    if departments:
        whistle.departments.set(departments)
    Order.objects.filter(pk=order.pk).update(escalation_level=F("escalation_level") + 1, escalated_to=target)
    order.escalation_level += 1
    order.escalated_to = target
    _event(
        order,
        action="escalate",
        actor=None,
        from_status=order.status,
        to_status=order.status,
        note=f"{Whistle.Reason(reason).label} → {target.name}",
        automatic=True,
        unit=target,
        extra={"target": target},
    )


def orders_auto_rate(limit: int = 500) -> int:
    """Orders served N days ago (settings.CIVICLOOP["AUTO_RATING_DAYS"]) without a rating get an automatic one.

    The automatic rating is the customary default "satisfied" (5), marked automatic so reports can tell it
    apart and it never puts an order on the follow-up list.
    """
    days = _setting_int("AUTO_RATING_DAYS", 7)
    now = timezone.now()
    # Units may set their own delay (unit settings): take candidates by the shortest delay in use, then skip
    # those whose own unit's delay has not passed yet.
    shortest = min([days, *UnitDeadlines.objects.values_list("auto_rating_days", flat=True)])
    cutoff = now - dt.timedelta(days=shortest)
    candidates = (
        Order.objects.filter(
            status__in=(S.SERVED, S.CLOSED), rating__isnull=True, report__updated_at__lte=cutoff
        )
        .select_related("unit", "report")
        .order_by("pk")[:limit]
    )
    delays = {u: s.auto_rating_days for u, s in unit_settings_many(list({o.unit for o in candidates})).items()}
    done = 0
    for order in candidates:
        if order.report.updated_at > now - dt.timedelta(days=delays.get(order.unit_id, days)):
            continue
        try:
            with transaction.atomic():
                counted = contribution_of("order", order)
                OrderRating.objects.create(order=order, score=5, automatic=True, comment="")
                counters_follow("order", order, counted)
                _event(
                    order,
                    action="rate",
                    actor=None,
                    from_status=order.status,
                    to_status=order.status,
                    note=_auto_rating_note(delays.get(order.unit_id, days)),
                    automatic=True,
                )
            done += 1
        except IntegrityError:
            continue
    return done


# --- a team stops serving (people.team suspend / dissolve) ---------------------------------------------------


def orders_release_team(*, team: Any, actor: Actor, reason: str) -> int:
    """Hand a suspended or dissolved team's orders back: accepted ones to the hall (open), dispatched ones to
    the owning unit's review (submitted), and tell their requesters. Orders already in service stay with the
    team for the unit to settle (their volunteers are on site). Runs inside the team step's transaction; the
    team step already checked who may stop the team, so no leader check here."""
    note = f"{team.name}: {reason}" if reason else team.name
    released = 0
    held = Order.objects.filter(team=team, status__in=(S.DISPATCHED, S.ACCEPTED)).select_related("unit", "requester")
    for order in held:
        if order.status == S.ACCEPTED and order.assignments.filter(sessions__gt=0).exists():
            continue
        # the leader's release and decline steps, which tell the requester and the unit why instead
        stopped = {"team_stopped": True}
        if order.status == S.ACCEPTED:
            _move(order, action="release", actor=actor, note=note, extra=stopped)
            order.assignments.all().delete()
            policy.forget_assignments(order)
        else:
            _move(order, action="decline", actor=actor, note=note, extra=stopped)
        released += 1
    return released


# --- unit settings (deadlines, auto-dispatch, whistle departments, auto-rating delay) ------------------------
# A unit with a UnitDeadlines row sets its own values ("set here"); without one it inherits all of them from the
# nearest ancestor that has a row, else the platform defaults. The settings page shows which.

SETTING_LIMITS = {
    "review_hours": (1, 2160),
    "claim_hours": (1, 2160),
    "complete_hours": (1, 2160),
    "auto_dispatch_hours": (1, 720),
    "auto_rating_days": (1, 60),
}


class UnitSettings:
    """The settings a unit works with, and where they come from (`source` None = the platform defaults)."""

    def __init__(self, unit: Unit, row: UnitDeadlines | None, departments: list[Unit]) -> None:
        defaults = {**DEFAULT_HOURS, **getattr(settings, "CIVICLOOP", {}).get("ORDER_DEADLINES", {})}
        self.unit = unit
        self.row = row
        self.source: Unit | None = row.unit if row is not None else None
        self.own = row is not None and row.unit_id == unit.pk
        self.review_hours = row.review_hours if row else defaults["review"]
        self.claim_hours = row.claim_hours if row else defaults["claim"]
        self.complete_hours = row.complete_hours if row else defaults["complete"]
        self.auto_dispatch = row.auto_dispatch if row else False
        self.auto_dispatch_hours = row.auto_dispatch_hours if row else 24
        self.auto_rating_days = (
            row.auto_rating_days if row else _setting_int("AUTO_RATING_DAYS", 7)
        )
        self.departments = departments

    def as_dict(self) -> dict[str, Any]:
        return {
            "review_hours": self.review_hours,
            "claim_hours": self.claim_hours,
            "complete_hours": self.complete_hours,
            "auto_dispatch": self.auto_dispatch,
            "auto_dispatch_hours": self.auto_dispatch_hours,
            "auto_rating_days": self.auto_rating_days,
            "whistle_department_ids": sorted(d.pk for d in self.departments),
        }


def _ancestor_paths(path: str) -> list[str]:
    return [path[:i] for i in range(Unit.steplen, len(path) + 1, Unit.steplen)]


def unit_settings_for(unit: Unit) -> UnitSettings:
    row = (
        UnitDeadlines.objects.filter(unit__path__in=_ancestor_paths(unit.path))
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )
    departments = list(row.whistle_departments.order_by("path")) if row else []
    return UnitSettings(unit, row, departments)


def unit_settings_many(units: Sequence[Unit]) -> dict[int, UnitSettings]:
    """Settings of many units by two queries: every row on their ancestor paths, resolved in memory."""
    paths = {p for u in units for p in _ancestor_paths(u.path)}
    rows = {
        r.unit.path: r
        for r in UnitDeadlines.objects.filter(unit__path__in=paths).select_related("unit")
    }
    result: dict[int, UnitSettings] = {}
    for unit in units:
        row = next((rows[p] for p in reversed(_ancestor_paths(unit.path)) if p in rows), None)
        result[unit.pk] = UnitSettings(unit, row, [])
    return result


def _clean_setting(name: str, value: Any) -> int:
    low, high = SETTING_LIMITS[name]
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        raise ValidationError(
            {name: [_("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]}
        )
    return number


@transaction.atomic(durable=True)
def unit_settings_update(
    *,
    actor: Actor,
    unit: Unit,
    review_hours: int,
    claim_hours: int,
    complete_hours: int,
    auto_dispatch: bool,
    auto_dispatch_hours: int,
    auto_rating_days: int,
    whistle_departments: Sequence[Unit] = (),
    request: Any = None,
) -> UnitDeadlines:
    """Set a unit's own settings (the units below it inherit them unless they set their own). Audited with the
    values before and after (no personal data in them)."""
    if not policy.can_edit_unit_settings(actor, unit):
        raise PermissionDenied(_("You do not have permission to do this."))
    values = {
        "review_hours": _clean_setting("review_hours", review_hours),
        "claim_hours": _clean_setting("claim_hours", claim_hours),
        "complete_hours": _clean_setting("complete_hours", complete_hours),
        "auto_dispatch_hours": _clean_setting("auto_dispatch_hours", auto_dispatch_hours),
        "auto_rating_days": _clean_setting("auto_rating_days", auto_rating_days),
        "auto_dispatch": bool(auto_dispatch),
    }
    departments = list(dict.fromkeys(whistle_departments))
    root = unit.path[: Unit.steplen]
    if any(d.kind == Unit.Kind.PRACTICE or not d.is_active or not d.path.startswith(root) for d in departments):
        raise ValidationError(
            {"whistle_departments": [_("Only active departments, social organisations or venues can be asked.")]}
        )
    before = unit_settings_for(unit)
    row = UnitDeadlines.objects.select_for_update().filter(unit=unit).first() or UnitDeadlines(unit=unit)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = actor
    row.updated_at = timezone.now()
    row.save()
    row.whistle_departments.set(departments)
    after = unit_settings_for(unit)
    changed = {k: (before.as_dict()[k], v) for k, v in after.as_dict().items() if before.as_dict()[k] != v}
    from civicloop.audit.services import audit_record

    audit_record(
        action="unit_settings_update",
        actor=actor,
        request=request,
        unit=unit,
        obj=row,
        detail="; ".join(f"{k}: {a}→{b}" for k, (a, b) in sorted(changed.items()))[:500]
        + ("" if before.own else " (now set here)"),
    )
    return row


@transaction.atomic(durable=True)
def unit_settings_reset(*, actor: Actor, unit: Unit, request: Any = None) -> UnitSettings:
    """Drop a unit's own settings: it inherits from above again. The root's own row can be dropped too (the
    platform defaults then apply)."""
    if not policy.can_edit_unit_settings(actor, unit):
        raise PermissionDenied(_("You do not have permission to do this."))
    before = unit_settings_for(unit)
    if not before.own:
        raise Conflict(_("This unit already inherits its settings."))
    UnitDeadlines.objects.filter(unit=unit).delete()
    after = unit_settings_for(unit)
    from civicloop.audit.services import audit_record

    audit_record(
        action="unit_settings_reset",
        actor=actor,
        request=request,
        unit=unit,
        obj=unit,
        detail=f"inherits from {after.source.pk if after.source else 'defaults'}",
    )
    return after
