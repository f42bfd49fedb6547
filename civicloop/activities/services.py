"""Writes for practice activities: plan, publish, sign up (quota kept atomically), sign in/out, close.

Hours on close: each signed-in volunteer gets the overlap of their signed time with the activity's own time
(so arriving early or leaving late earns nothing extra, and travel never counts), capped at the activity's
length and rounded DOWN to the half hour. A volunteer who signed in but never signed out is counted until the
activity's end (the organiser closes it, which confirms they stayed); roll call counts the full activity.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.activities.models import Activity, ActivityPhoto, ActivityRole, CardTokenUse, Signup
from civicloop.activities.workflow import ACTIVITY, SIGNUP
from civicloop.audit.services import audit_record
from civicloop.core.choices import FocusGroup, Platform
from civicloop.core.exceptions import Conflict
from civicloop.core.workflow import Actor

QR_WINDOW_SECONDS = 60
SIGN_IN_EARLY = dt.timedelta(minutes=60)
# The volunteer card's code lives two minutes; the card page fetches a fresh one every 30 seconds.
CARD_TOKEN_SECONDS = 120
CARD_PREFIX = "civicloop-card:"
CARD_SALT = "civicloop.activities.volunteer-card"


# --- the rotating QR token -------------------------------------------------------------------------------


def qr_window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // QR_WINDOW_SECONDS)


def qr_token(activity_id: int, kind: str, window: int | None = None) -> str:
    """HMAC of activity, direction (in/out) and the minute window; a screenshot is useless a minute later."""
    window = qr_window() if window is None else window
    msg = f"activity-qr:{activity_id}:{kind}:{window}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()[:20]


def qr_token_valid(activity_id: int, kind: str, token: str) -> bool:
    """Accept the current and the previous window only."""
    token = token or ""
    if not token.isascii():  # compare_digest refuses non-ASCII text with a TypeError; no real token has any
        return False
    now = qr_window()
    return any(hmac.compare_digest(qr_token(activity_id, kind, w), token) for w in (now, now - 1))


def parse_scan_code(code: str) -> tuple[int, str, str] | None:
    """(activity id, "in"/"out", token) from what a volunteer's camera read or pasted: the console's link
    (…/activities/<id>/scan/<in|out>/<token>/), with or without the host. None for anything else."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    text = (code or "").strip()[:500]
    if not text.isascii():
        return None
    try:
        match = resolve(urlsplit(text).path or "/")
    except (Resolver404, ValueError):  # urlsplit refuses e.g. "http://[x" (a broken IPv6 host)
        return None
    if match.view_name != "activities:scan" or match.kwargs.get("kind") not in ("in", "out"):
        return None
    return int(match.kwargs["pk"]), str(match.kwargs["kind"]), str(match.kwargs["token"])


# --- the volunteer card (电子志愿者证) -----------------------------------------------------------------------


def volunteer_card_token(volunteer: Any) -> str:
    """A signed code naming the volunteer and a fresh nonce, valid CARD_TOKEN_SECONDS; each one works once."""
    body = signing.dumps({"v": volunteer.pk, "n": secrets.token_hex(8)}, salt=CARD_SALT)
    return CARD_PREFIX + body


def _read_card(token: str) -> tuple[int, str]:
    text = (token or "").strip()
    if not text.startswith(CARD_PREFIX) or len(text) > 300 or not text.isascii():
        raise ValidationError(_("This is not a volunteer card code."))
    try:
        body = signing.loads(text.removeprefix(CARD_PREFIX), salt=CARD_SALT, max_age=CARD_TOKEN_SECONDS)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("This volunteer card code has expired. Ask the volunteer to open their card again.")
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This is not a volunteer card code.")) from exc
    if not isinstance(body, dict) or not isinstance(body.get("v"), int) or not isinstance(body.get("n"), str):
        raise ValidationError(_("This is not a volunteer card code."))
    return body["v"], body["n"][:32]


@transaction.atomic
def signup_card_scan(*, activity: Activity, actor: Actor, token: str, kind: str) -> Signup:
    """The organiser scans a volunteer's card on the console: sign that volunteer in (kind "in") or out ("out").
    The caller checked that the actor runs this activity; the token is checked here, and used up."""
    if kind not in ("in", "out"):
        raise ValidationError(_("Choose sign-in or sign-out."))
    volunteer_id, nonce = _read_card(token)
    signup = (
        Signup.objects.select_related("volunteer__user")
        .filter(activity=activity, volunteer_id=volunteer_id, status__in=Signup.HOLDING)
        .first()
    )
    if signup is None:
        raise ValidationError(_("This volunteer has not signed up for this activity."))
    # Used up before the state checks (a replay says so, whatever the volunteer's state); any refusal below rolls this back too.
    try:
        with transaction.atomic():
            CardTokenUse.objects.create(nonce=nonce, volunteer_id=volunteer_id, activity=activity)
    except IntegrityError as exc:
        raise ValidationError(
            _("This volunteer card code has already been used. Ask the volunteer to show a fresh code.")
        ) from exc
    if signup.status != Signup.Status.APPROVED:
        raise ValidationError(_("This volunteer's sign-up has not been approved yet."))
    if kind == "in" and signup.signed_in_at is not None:
        raise Conflict(_("This volunteer has already signed in."))
    if kind == "out" and signup.signed_in_at is None:
        raise ValidationError(_("This volunteer has not signed in yet."))
    if kind == "out" and signup.signed_out_at is not None:
        raise Conflict(_("This volunteer has already signed out."))
    if kind == "in":
        return _sign_in(activity, signup, how=Signup.How.CARD, actor=actor, detail="card")
    return _sign_out(activity, signup, actor=actor, detail="card")


# --- planning -------------------------------------------------------------------------------------------


def _parse_roles(roles: list[tuple[str, int]]) -> list[tuple[str, int]]:
    cleaned = []
    for name, quota in roles:
        name = (name or "").strip()
        if not name:
            continue
        try:
            quota = int(quota)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Each role needs a number of places.")) from exc
        if quota < 1 or quota > 1000:
            raise ValidationError(_("A role needs between 1 and 1000 places."))
        cleaned.append((name[:50], quota))
    if not cleaned:
        raise ValidationError(_("Add at least one volunteer role with its number of places."))
    if len({n for n, _q in cleaned}) != len(cleaned):
        raise ValidationError(_("Each role name may appear only once."))
    return cleaned


def _check_fields(
    *, category: str, title: str, place: str, starts_at: dt.datetime, ends_at: dt.datetime, target_group: str
) -> None:
    if category not in Platform.values:
        raise ValidationError(_("Choose a service platform."))
    if not title.strip():
        raise ValidationError(_("Give the activity a title."))
    if not place.strip():
        raise ValidationError(_("Say where the activity takes place."))
    if not all(2000 <= t.year <= timezone.now().year + 10 for t in (starts_at, ends_at)):
        raise ValidationError(_("The time of the activity is not valid."))  # year 1 cannot even be stored
    if ends_at <= starts_at:
        raise ValidationError(_("The activity must end after it starts."))
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise ValidationError(
            _("An activity lasts at most 24 hours; plan longer ones as several activities.")
        )
    if target_group and target_group not in FocusGroup.values:
        raise ValidationError(_("Choose a valid target group."))


def _book_room(*, actor: Actor, room: Any, unit: Any, team: Any, title: str, starts_at: dt.datetime, ends_at: dt.datetime) -> Any:
    """Book the activity's room through the network service, in the activity's transaction: the venue must be
    hosted by or shared with the organising unit; staff book in their unit's name, a team leader as the team."""
    from civicloop.network.policies import bookable_teams, booking_units, venue_serves_unit
    from civicloop.network.services import book_room

    venue = room.venue
    if not venue_serves_unit(venue, unit):
        raise ValidationError({"room": [_("This room's venue is not shared with the organising unit.")]})
    units = booking_units(actor, venue)
    # the organising unit itself, else the actor's unit above it
    mine = [u for u in units if u.pk == unit.pk] or [u for u in units if unit.path.startswith(u.path)]
    if mine:
        return book_room(actor=actor, room=room, starts_at=starts_at, ends_at=ends_at, title=title, unit=mine[0])
    if team is not None and team.pk in {t.pk for t in bookable_teams(actor, venue)}:
        return book_room(actor=actor, room=room, starts_at=starts_at, ends_at=ends_at, title=title, team=team)
    raise ValidationError({"room": [_("You cannot book this room for the organising unit.")]})


def _move_booking(activity: Activity, actor: Actor) -> None:
    """A new time moves the activity's room booking with it, in the same transaction: if the room is taken
    at the new time, the booking's Conflict refuses the whole change."""
    from civicloop.network.models import Booking
    from civicloop.network.services import release_booking

    if activity.booking_id is None:
        return
    old = Booking.objects.select_related("room__venue").filter(pk=activity.booking_id, status=Booking.Status.CONFIRMED).first()
    if old is None or (old.starts_at, old.ends_at) == (activity.starts_at, activity.ends_at):
        return
    release_booking(actor=actor, booking=old, with_activity=True)
    activity.booking = _book_room(
        actor=actor, room=old.room, unit=activity.unit, team=activity.team, title=activity.title[:100],
        starts_at=activity.starts_at, ends_at=activity.ends_at,
    )


@transaction.atomic
def activity_create(
    *,
    unit: Any,
    actor: Actor,
    category: str,
    title: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    roles: list[tuple[str, int]],
    description: str = "",
    team: Any = None,
    target_group: str = "",
    expected_audience: int = 0,
    auto_accept: bool = True,
    lat: float | None = None,
    lng: float | None = None,
    room: Any = None,
) -> Activity:
    """Plan an activity (a draft). With a venue room, the room is booked for the activity's time in the same
    transaction: a taken room refuses the whole activity with the booking's message."""
    if room is not None and not (place or "").strip():
        place = f"{room.venue.name} · {room.name}"[:200]
    _check_fields(
        category=category,
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        target_group=target_group,
    )
    roles = _parse_roles(roles)
    booking = None
    if room is not None:
        booking = _book_room(actor=actor, room=room, unit=unit, team=team, title=title.strip()[:100], starts_at=starts_at, ends_at=ends_at)
    activity = Activity.objects.create(
        booking=booking,
        unit=unit,
        unit_path=unit.path,
        team=team,
        category=category,
        title=title.strip(),
        description=description,
        place=place.strip(),
        lat=lat,
        lng=lng,
        starts_at=starts_at,
        ends_at=ends_at,
        target_group=target_group,
        expected_audience=expected_audience or 0,
        auto_accept=auto_accept,
        created_by=actor,
    )
    ActivityRole.objects.bulk_create([ActivityRole(activity=activity, name=n, quota=q) for n, q in roles])
    ACTIVITY.begin(activity, actor=actor, step="create")  # first timeline row and the audit row
    return activity


@transaction.atomic
def activity_update(
    *, activity: Activity, actor: Actor, roles: list[tuple[str, int]] | None = None, **changes: Any
) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status not in (Activity.Status.DRAFT, Activity.Status.PUBLISHED):
        raise Conflict(_("A closed or cancelled activity can no longer be changed."))
    for key, value in changes.items():
        setattr(activity, key, value)
    _check_fields(
        category=activity.category,
        title=activity.title,
        place=activity.place,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        target_group=activity.target_group,
    )
    _move_booking(activity, actor)
    activity.save()
    if roles is not None:
        wanted = dict(_parse_roles(roles))
        for role in ActivityRole.objects.select_for_update().filter(activity=activity):
            if role.name in wanted:
                quota = wanted.pop(role.name)
                if quota < role.filled:
                    raise ValidationError(
                        _("Role %(role)s already has %(n)s volunteers; its places cannot go below that.")
                        % {"role": role.name, "n": role.filled}
                    )
                ActivityRole.objects.filter(pk=role.pk).update(quota=quota)
            elif role.filled or role.signups.exists():
                raise ValidationError(
                    _("Role %(role)s has sign-ups and cannot be removed.") % {"role": role.name}
                )
            else:
                role.delete()
        ActivityRole.objects.bulk_create(
            [ActivityRole(activity=activity, name=n, quota=q) for n, q in wanted.items()]
        )
    audit_record(action="activity_update", actor=actor, unit=activity.unit, obj=activity)
    return activity


def _step(activity: Activity, step: str, actor: Actor, *, note: str = "", **changes: Any) -> None:
    """Run a declared step (activities/workflow.py); the caller checked the actor and the input."""
    if activity.status not in ACTIVITY.steps[step].sources:
        raise Conflict(_("This activity is no longer in a state that allows this."))
    ACTIVITY.apply(step, activity, actor=actor, cleaned={}, note=note, changes=changes, skip_actor_check=True)


@transaction.atomic
def activity_publish(*, activity: Activity, actor: Actor) -> Activity:
    if activity.ends_at <= timezone.now():
        raise ValidationError(_("This activity is already over; change its time before publishing."))
    _step(activity, "publish", actor)
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, actor: Actor, reason: str) -> Activity:
    if not reason.strip():
        raise ValidationError(_("Give a reason for cancelling."))
    _step(activity, "cancel", actor, note=reason.strip()[:300])
    _release_room(activity, actor)
    return activity


def _release_room(activity: Activity, actor: Actor) -> None:
    """A cancelled activity gives its room back (the booking is cancelled in the same transaction)."""
    from civicloop.network.models import Booking
    from civicloop.network.services import release_booking

    if activity.booking_id is None:
        return
    booking = Booking.objects.filter(pk=activity.booking_id, status=Booking.Status.CONFIRMED).first()
    if booking is not None:
        release_booking(actor=actor, booking=booking, with_activity=True)


# --- sign-ups --------------------------------------------------------------------------------------------


@transaction.atomic
def signup_create(*, activity: Activity, volunteer: Any, role: ActivityRole | None = None) -> Signup:
    """Take a place. The per-role counter moves only by `UPDATE ... WHERE filled < quota`, so simultaneous
    sign-ups can never over-fill a role; whoever finds it full gets a clear answer and nothing is written."""
    activity = Activity.objects.get(pk=activity.pk)
    if activity.status != Activity.Status.PUBLISHED or activity.ends_at <= timezone.now():
        raise Conflict(_("This activity is not open for sign-up."))
    if role is None:
        role = activity.roles.filter(filled__lt=F("quota")).first() or activity.roles.first()
    if role is None or role.activity_id != activity.pk:
        raise ValidationError(_("Choose a role."))
    if Signup.objects.filter(activity=activity, volunteer=volunteer, status__in=Signup.HOLDING).exists():
        raise Conflict(_("You have already signed up for this activity."))
    if not ActivityRole.objects.filter(pk=role.pk, filled__lt=F("quota")).update(filled=F("filled") + 1):
        raise Conflict(_("Sorry, all places for this role are taken."))
    status = Signup.Status.APPROVED if activity.auto_accept else Signup.Status.PENDING
    try:
        with transaction.atomic():
            signup = Signup.objects.create(
                activity=activity,
                volunteer=volunteer,
                role=role,
                status=status,
                decided_at=timezone.now() if activity.auto_accept else None,
            )
    except IntegrityError as exc:  # the same volunteer twice at once
        raise Conflict(_("You have already signed up for this activity.")) from exc
    SIGNUP.begin(signup, actor=volunteer.user)
    return signup


@transaction.atomic
def signup_withdraw(*, signup: Signup, actor: Actor) -> Signup:
    if signup.activity.status != Activity.Status.PUBLISHED:
        raise Conflict(_("This activity is not open for changes."))
    if signup.status not in Signup.HOLDING:
        raise Conflict(_("This sign-up can no longer be changed."))
    SIGNUP.apply("withdraw", signup, actor=actor, cleaned={})
    return signup


@transaction.atomic
def signup_decide(*, signup: Signup, approve: bool, actor: Actor) -> Signup:
    if signup.status != Signup.Status.PENDING:
        raise Conflict(_("This sign-up has already been decided."))
    SIGNUP.apply("approve" if approve else "reject", signup, actor=actor, cleaned={})
    return signup


def _live_signup(activity: Activity, volunteer: Any) -> Signup:
    signup = Signup.objects.filter(activity=activity, volunteer=volunteer, status__in=Signup.HOLDING).first()
    if signup is None:
        raise ValidationError(_("You have not signed up for this activity."))
    if signup.status != Signup.Status.APPROVED:
        raise ValidationError(_("Your sign-up has not been approved yet."))
    return signup


def _sign_in(activity: Activity, signup: Signup, *, how: str, actor: Actor, detail: str = "") -> Signup:
    now = timezone.now()
    if activity.status != Activity.Status.PUBLISHED or not (
        activity.starts_at - SIGN_IN_EARLY <= now <= activity.ends_at
    ):
        raise ValidationError(_("Sign-in is open from an hour before the activity until it ends."))
    if signup.signed_in_at is not None:
        raise Conflict(_("You have already signed in."))
    if not Signup.objects.filter(pk=signup.pk, signed_in_at__isnull=True).update(signed_in_at=now, how=how):
        raise Conflict(_("You have already signed in."))  # a second scan in the same instant
    signup.refresh_from_db()
    audit_record(action="signup_sign_in", actor=actor, obj=signup, detail=detail)
    return signup


def _sign_out(activity: Activity, signup: Signup, *, actor: Actor, detail: str = "") -> Signup:
    if activity.status != Activity.Status.PUBLISHED:
        raise ValidationError(_("This activity is not open for signing out."))
    if signup.signed_in_at is None:
        raise ValidationError(_("Sign in first."))
    if signup.signed_out_at is not None:
        raise Conflict(_("You have already signed out."))
    if not Signup.objects.filter(pk=signup.pk, signed_out_at__isnull=True).update(signed_out_at=timezone.now()):
        raise Conflict(_("You have already signed out."))
    signup.refresh_from_db()
    audit_record(action="signup_sign_out", actor=actor, obj=signup, detail=detail)
    return signup


@transaction.atomic
def signup_sign_in(*, activity: Activity, volunteer: Any, token: str) -> Signup:
    """Sign in by scanning the organiser's QR code (current or previous minute only)."""
    if not qr_token_valid(activity.pk, "in", token):
        raise ValidationError(
            _(
                "This sign-in code has expired or belongs to another activity. Scan the code on the organiser's screen again."
            )
        )
    now = timezone.now()
    if activity.status != Activity.Status.PUBLISHED or not (
        activity.starts_at - SIGN_IN_EARLY <= now <= activity.ends_at
    ):
        raise ValidationError(_("Sign-in is open from an hour before the activity until it ends."))
    signup = _live_signup(activity, volunteer)
    return _sign_in(activity, signup, how=Signup.How.QR, actor=volunteer.user)


@transaction.atomic
def signup_sign_out(*, activity: Activity, volunteer: Any, token: str) -> Signup:
    if not qr_token_valid(activity.pk, "out", token):
        raise ValidationError(
            _(
                "This sign-out code has expired or belongs to another activity. Scan the code on the organiser's screen again."
            )
        )
    if activity.status != Activity.Status.PUBLISHED:
        raise ValidationError(_("This activity is not open for signing out."))
    signup = _live_signup(activity, volunteer)
    return _sign_out(activity, signup, actor=volunteer.user)


@transaction.atomic
def signup_roll_call(*, signup: Signup, present: bool, actor: Actor) -> Signup:
    """The organiser marks a volunteer present (the whole activity) or absent (clears the sign-in)."""
    if signup.activity.status != Activity.Status.PUBLISHED:
        raise Conflict(_("This activity is not open for roll call."))
    if signup.status != Signup.Status.APPROVED:
        raise ValidationError(_("Only approved volunteers can be marked present."))
    if present:
        Signup.objects.filter(pk=signup.pk).update(
            signed_in_at=signup.activity.starts_at,
            signed_out_at=signup.activity.ends_at,
            how=Signup.How.ROLL_CALL,
        )
    else:
        Signup.objects.filter(pk=signup.pk).update(signed_in_at=None, signed_out_at=None, how="")
    signup.refresh_from_db()
    audit_record(
        action="signup_roll_call", actor=actor, obj=signup, detail="present" if present else "absent"
    )
    return signup


def credited_hours(activity: Activity, signup: Signup) -> Decimal:
    """Overlap of signed time with the activity's time, capped at its length, rounded down to 0.5 h."""
    if signup.signed_in_at is None:
        return Decimal("0")
    start = max(signup.signed_in_at, activity.starts_at)
    end = min(signup.signed_out_at or activity.ends_at, activity.ends_at)
    seconds = max((end - start).total_seconds(), 0)
    seconds = min(seconds, (activity.ends_at - activity.starts_at).total_seconds())
    halves = (Decimal(str(seconds)) / Decimal(1800)).to_integral_value(rounding=ROUND_DOWN)
    return halves / 2


@transaction.atomic
def activity_close(
    *, activity: Activity, actor: Actor, people_served: int, summary: str, photos: list[Any] | None = None
) -> list[Any]:
    """Close with a summary and credit hours to every signed-in volunteer. Returns the ledger rows written."""
    from civicloop.records.services import record_credit

    try:
        people_served = int(people_served)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Enter how many people were served.")) from exc
    if people_served < 0 or people_served > 100000:
        raise ValidationError(_("Enter how many people were served."))
    if not summary.strip():
        raise ValidationError(_("Write a short summary of the activity."))
    if activity.starts_at > timezone.now():
        raise ValidationError(_("An activity can be closed only after it has started."))
    _step(activity, "close", actor, people_served=people_served, summary=summary.strip())
    rows = []
    signups = Signup.objects.filter(
        activity=activity, status=Signup.Status.APPROVED, signed_in_at__isnull=False
    ).select_related("volunteer")
    for signup in signups:
        hours = credited_hours(activity, signup)
        Signup.objects.filter(pk=signup.pk).update(credited_hours=hours)
        if hours > 0:
            rows.append(
                record_credit(
                    volunteer=signup.volunteer,
                    hours=hours,
                    source="activity",
                    source_id=activity.pk,
                    unit=activity.unit,
                    served_on=timezone.localdate(activity.starts_at),
                    category=activity.category,
                    description=activity.title,
                    created_by=actor,
                )
            )
    for photo in photos or []:
        ActivityPhoto.objects.create(activity=activity, image=photo)
    return rows
