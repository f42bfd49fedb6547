"""Declared workflows (DESIGN §8): a stateful model's states and steps in one place, one function runs every step.

An app declares, in `<app>/workflow.py`::

    ENTRY = Workflow(
        name="contests.entry",                 # audit action prefix and registry key
        model=Entry, event_model=EntryEvent,   # EntryEvent subclasses core.models.WorkflowEvent
        states=[State("draft", _("Draft"), badge="blue"), State("published", _("Published"), kind=TERMINAL)],
        steps=[Step("publish", _("Publish"), sources={"draft"}, target="published", allowed=can_publish)],
        unit=lambda entry: entry.unit,
    )

and then `ENTRY.run("publish", entry, actor=user, data=request.POST)` performs the step: it validates the input
with the step's form (400: ValidationError with the field messages), checks the actor (403: PermissionDenied) and
the state (409: Conflict), moves the row with a conditional UPDATE on (status, version) — so of two concurrent
moves exactly one wins, on SQLite and PostgreSQL, without row locks —, writes one event row, the audit row and the
outbox notifications and keeps the figures' counters, all in one durable transaction. Nothing else writes the
status field. `apply()` is the same without opening the transaction, for a service that must write more rows in
the same transaction as the move (it must be called inside `transaction.atomic`).

Pages and the API are built from the declaration: `available()` (the steps this viewer may take now) feeds the
`{% workflow_panel %}` tag, events feed `{% workflow_timeline %}`, `badge()` the state badges, `tabs()` the
queue tabs; `handle_page()` is the body of a step view and `add_api_steps()` adds
`POST /<prefix>/{id}/<step>` operations to a django-ninja router.

Core sits below the apps, so audit, notifications and counters reach the engine through hooks the audit,
notify and stats apps register when they start (`register_hooks`); without them (a bare test) the engine still
moves and records.

Libraries weighed: django-viewflow's fsm, python-statemachine and django-fsm-2 all move the state in memory and
save the whole row; none has the conditional (status, version) update our race tests need, nor an event row and
outbox in the same transaction, so every step would need the same wrapper around them as this module is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from civicloop.core.exceptions import Conflict
from civicloop.core.msg import Msg

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from civicloop.people.models import User

OPEN, HELD, TERMINAL = "open", "held", "terminal"
BADGES = ("grey", "blue", "gold", "green", "red")

Text = str | Promise
Actor: TypeAlias = "User | None"  # None: the platform itself (periodic jobs)
DeadlineFn = Callable[["Ctx"], dt.datetime | None]


@dataclass(frozen=True)
class State:
    """A state: `kind` is open (waiting on the organisation), held (someone is working on it) or terminal."""

    code: str
    label: Text
    badge: str = "grey"
    kind: str = OPEN
    tags: frozenset[str] = frozenset()  # app-specific groups of states (e.g. "holding"), read by `tagged()`

    def __post_init__(self) -> None:
        if self.badge not in BADGES or self.kind not in (OPEN, HELD, TERMINAL):
            raise ValueError(f"state {self.code}: bad badge or kind")


@dataclass
class Ctx:
    """What a step's hooks see: the object (its in-memory values are the stored ones until the move), who acts,
    the cleaned input, the note, the state it leaves and the time of the move."""

    workflow: Workflow
    step: Step
    obj: Any
    actor: Actor
    data: dict[str, Any]
    note: str
    from_status: str
    now: dt.datetime
    request: HttpRequest | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Move:
    """What one step does to its object's own row: the state it leaves and enters and the fields it writes."""

    from_status: str
    to_status: str
    fields: frozenset[str]


@dataclass(frozen=True)
class Notice:
    """A notification the step queues in its transaction (delivered after commit from the outbox)."""

    recipients: Iterable[Any]
    kind: str
    title: Text | Msg  # a Msg (code + parameters) is shown in each reader's language
    body: Text | Msg = ""
    url: str = ""


@dataclass(frozen=True)
class Step:
    """A step: from `sources` to `target` (None: a record on the timeline that does not move the state).

    - `allowed(actor, obj)`: who may take it (PermissionDenied otherwise). `system=True` lets the platform take it
      with `actor=None` (periodic jobs); otherwise an actor is required.
    - `form`: a django Form class validating the input; its cleaned data is `ctx.data`. A `note` field, when the
      form has one, becomes the event's note. `note="required"` without a form asks for a reason.
    - `guard(ctx)`: business rules beyond state and actor (raise ValidationError or Conflict).
    - `changes(ctx)`: extra field values written in the same conditional update as the state.
    - `after(ctx, event)`: more rows in the same transaction (ledger rows, replies...).
    - `notify(ctx, event)`: the notices to queue (all of a step's notices are written together, after the move:
      `ctx.obj` holds the new values).
    - `starts_deadline(ctx)` sets the workflow's deadline field; `stops_deadline=True` clears it. A workflow with
      several deadline fields names them: `starts_deadline={"claim_due": fn}`, `stops_deadline={"review_due"}`.
    - `records_in`: source states in which the step only records (the state stays, the version does not move):
      e.g. a later volunteer checking in once service has started.
    - `style` (primary, danger, secondary) and `confirm` (a question shown before the step) shape the button.
    - `form_kwargs(actor, obj)`: keyword arguments for the step's form on this object for this actor (e.g. the
      choices of a select narrowed to the actor's scope); the panel, the page and the API all pass them.
    - `where`: a condition the conditional UPDATE adds to (status, version), for a rule on a field that another
      write moves without bumping the version (a sign-up is withdrawn only while it is not signed in); when it
      does not hold, the step is refused with its `taken_message`.
    """

    name: str
    label: Text
    sources: frozenset[str] | set[str]
    target: str | None
    allowed: Callable[[User, Any], bool]  # asked only for a signed-in actor
    form: type[forms.Form] | None = None
    note: str = "none"  # none, optional, required
    guard: Callable[[Ctx], None] | None = None
    changes: Callable[[Ctx], Mapping[str, Any]] | None = None
    after: Callable[[Ctx, Any], None] | None = None
    notify: Callable[[Ctx, Any], Iterable[Notice]] | None = None
    starts_deadline: DeadlineFn | Mapping[str, DeadlineFn] | None = None
    stops_deadline: bool | frozenset[str] | set[str] = False
    system: bool = False
    style: str = "primary"
    confirm: Text = ""
    help: Text = ""
    taken_message: Text = ""
    records_in: frozenset[str] = frozenset()
    form_kwargs: Callable[[Actor, Any], Mapping[str, Any]] | None = None
    where: models.Q | None = None

    @property
    def records_only(self) -> bool:
        return self.target is None

    def moves_from(self) -> frozenset[str]:
        """The source states from which this step moves the state (empty for a record-only step)."""
        return frozenset() if self.target is None else frozenset(self.sources) - self.records_in

    def records_from(self) -> frozenset[str]:
        """The source states in which this step only adds a record."""
        return frozenset(self.sources) if self.target is None else frozenset(self.records_in)

    def deadlines(self, default_field: str) -> tuple[dict[str, DeadlineFn], frozenset[str]]:
        """(deadline field → how the step sets it, fields it clears), with the workflow's field as the default."""
        starts = self.starts_deadline
        started = {default_field: starts} if callable(starts) else dict(starts or {})
        stops = self.stops_deadline
        stopped = (frozenset({default_field}) if stops else frozenset()) if isinstance(stops, bool) else frozenset(stops)
        return started, stopped - set(started)


# --- hooks (registered by the audit, notify and stats apps) --------------------------------------------------


@dataclass
class _Hooks:
    audit: Callable[..., Any] | None = None
    notify: Callable[..., Any] | None = None  # (notices=[{recipients, kind, title, body, url}], **notice_kwargs)
    counters_before: Callable[[str, Any], Any] | None = None
    counters_after: Callable[[str, Any, Any], None] | None = None


HOOKS = _Hooks()


def register_hooks(**hooks: Callable[..., Any]) -> None:
    for name, fn in hooks.items():
        if not hasattr(HOOKS, name):
            raise TypeError(f"unknown workflow hook {name}")
        setattr(HOOKS, name, fn)


REGISTRY: dict[str, Workflow] = {}


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=2000, required=True, widget=forms.Textarea)


class OptionalNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea)


def _denied() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do this."))


def form_errors(form: forms.Form) -> ValidationError:
    """A ValidationError carrying the form's field messages (the API answers them as `errors`)."""
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


class Workflow:
    """One declared workflow; see the module docstring."""

    def __init__(
        self,
        *,
        name: str,
        model: type[models.Model],
        states: Sequence[State],
        steps: Sequence[Step],
        event_model: type[models.Model] | None,
        unit: Callable[[Any], Any] | None = None,
        status_field: str = "status",
        version_field: str = "version",
        event_subject: str = "subject",
        event_step: str = "step",
        deadline_field: str = "due_at",
        counter_source: str | None = None,
        url: Callable[[Any], str] | None = None,
        label: Text = "",
        ref: Callable[[Any], str] | None = None,
        taken_message: Text = "",
        notice_kwargs: Callable[[Any], Mapping[str, Any]] | None = None,
    ) -> None:
        self.name = name
        self.model = model
        self.states = {s.code: s for s in states}
        self.steps = {s.name: s for s in steps}
        self.event_model = event_model
        self.unit = unit or (lambda obj: getattr(obj, "unit", None))
        self.status_field = status_field
        self.version_field = version_field
        self.event_subject = event_subject
        self.event_step = event_step
        self.deadline_field = deadline_field
        self.counter_source = counter_source
        self.url = url or (lambda obj: obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "")
        self.label = label or model._meta.verbose_name
        self.taken_message = taken_message  # lost a race; a step's own taken_message wins
        self.ref = ref  # a short reference (e.g. the order number) written in the audit detail
        # more arguments of the notify hook for an object's notices (orders link theirs to the order)
        self.notice_kwargs = notice_kwargs or (lambda obj: {})
        fields = {f.name for f in model._meta.concrete_fields}
        for step in steps:
            unknown = (set(step.sources) | ({step.target} if step.target else set())) - set(self.states)
            if unknown:
                raise ValueError(f"{name}.{step.name}: unknown states {sorted(unknown)}")
            if not step.records_in <= set(step.sources):
                raise ValueError(f"{name}.{step.name}: records_in must be among its sources")
            started, stopped = step.deadlines(deadline_field)
            if (step.starts_deadline or step.stops_deadline) and not (set(started) | stopped) <= fields:
                raise ValueError(f"{name}.{step.name}: unknown deadline fields")
        REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"<Workflow {self.name}>"

    # --- reading the declaration -----------------------------------------------------------------------------

    def status_of(self, obj: Any) -> str:
        return str(getattr(obj, self.status_field))

    def state(self, obj_or_code: Any) -> State:
        code = obj_or_code if isinstance(obj_or_code, str) else self.status_of(obj_or_code)
        return self.states[code]

    def badge(self, obj_or_code: Any) -> str:
        return f"badge-{self.state(obj_or_code).badge}"

    def codes(self, *kinds: str) -> list[str]:
        """State codes of the given kinds (open, held, terminal), in declaration order."""
        return [s.code for s in self.states.values() if s.kind in kinds]

    def tagged(self, tag: str) -> list[str]:
        """State codes carrying this tag, in declaration order."""
        return [s.code for s in self.states.values() if tag in s.tags]

    def transitions(self) -> dict[str, tuple[frozenset[str], str]]:
        """step → (states it moves from, state it leads to), for the steps that move."""
        return {n: (s.moves_from(), s.target) for n, s in self.steps.items() if s.target is not None and s.moves_from()}

    def records(self) -> dict[str, frozenset[str]]:
        """step → states in which it only records."""
        return {n: s.records_from() for n, s in self.steps.items() if s.records_from()}

    def tabs(self) -> list[tuple[str, Text, list[str]]]:
        """Queue tabs: one per non-terminal state, then one for all ended."""
        tabs: list[tuple[str, Text, list[str]]] = [
            (s.code, s.label, [s.code]) for s in self.states.values() if s.kind != TERMINAL
        ]
        ended = self.codes(TERMINAL)
        if ended:
            tabs.append(("ended", _("Ended"), ended))
        return tabs

    def may(self, step_name: str, actor: Actor, obj: Any) -> bool:
        step = self.steps[step_name]
        if self.status_of(obj) not in step.sources:
            return False
        if actor is None or not getattr(actor, "is_authenticated", False):
            return False
        return bool(step.allowed(actor, obj))

    def available(self, actor: Actor, obj: Any) -> list[Step]:
        """The steps this actor may take now (system-only steps are never offered on a page)."""
        return [s for s in self.steps.values() if self.may(s.name, actor, obj)]

    def step_form_kwargs(self, step: Step, actor: Actor, obj: Any) -> dict[str, Any]:
        """The step's own form arguments for this actor and object (nothing for the platform itself)."""
        if step.form_kwargs is None or actor is None:
            return {}
        return dict(step.form_kwargs(actor, obj))

    def form_for(self, step: Step, data: Any = None, files: Any = None, **kwargs: Any) -> forms.Form | None:
        cls = step.form
        if cls is None and step.note == "required":
            cls = NoteForm
        elif cls is None and step.note == "optional":
            cls = OptionalNoteForm
        if cls is None:
            return None
        return cls(data, files, prefix=None, **kwargs) if data is not None else cls(**kwargs)

    def events(self, obj: Any) -> Any:
        if self.event_model is None:
            return []
        # a list page that prefetched each row's events (`prefetch_related("events__actor", "events__unit")`)
        # shows every row's timeline without a query per row
        subject = self.event_model._meta.get_field(self.event_subject)
        accessor = subject.remote_field.get_accessor_name() if isinstance(subject, models.ForeignKey) else None
        if accessor and accessor in getattr(obj, "_prefetched_objects_cache", {}):
            return getattr(obj, accessor).all()
        return (
            self.event_model._default_manager.filter(**{self.event_subject: obj})
            .select_related("actor", "unit")
            .order_by("created_at", "pk")
        )

    # --- running a step --------------------------------------------------------------------------------------

    def _clean(self, step: Step, data: Any, files: Any, form_kwargs: dict[str, Any]) -> dict[str, Any]:
        form = self.form_for(step, data if data is not None else {}, files, **form_kwargs)
        if form is None:
            return dict(data or {}) if isinstance(data, Mapping) else {}
        if not form.is_valid():
            raise form_errors(form)
        return dict(form.cleaned_data)

    def run(self, step_name: str, obj: Any, **kwargs: Any) -> Any:
        """Take a step in its own durable transaction; returns the event row."""
        with transaction.atomic(durable=True):
            return self.apply(step_name, obj, **kwargs)

    def apply(
        self,
        step_name: str,
        obj: Any,
        *,
        actor: Actor,
        data: Any = None,
        files: Any = None,
        note: str = "",
        request: HttpRequest | None = None,
        automatic: bool = False,
        form_kwargs: dict[str, Any] | None = None,
        cleaned: dict[str, Any] | None = None,
        skip_actor_check: bool = False,
        changes: Mapping[str, Any] | None = None,
        unit: Any = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Any:
        """Take a step inside the caller's transaction. `cleaned` passes input a service already validated;
        `changes` adds field values the service computed to the conditional update; `unit` overrides the unit
        written on the event and audit row (e.g. the unit an escalation was raised to); `extra` hands the
        step's hooks what the service read already (`ctx.extra`)."""
        step = self.steps.get(step_name)
        if step is None:
            raise Conflict(_("This step does not exist."))
        if not skip_actor_check:
            if actor is None:
                if not step.system:
                    raise _denied()
            elif not step.allowed(actor, obj):
                raise _denied()
        from_status = self.status_of(obj)
        if from_status not in step.sources:
            raise Conflict(
                _("This cannot be done while it is “%(status)s”.") % {"status": self.states[from_status].label}
            )
        if cleaned is not None:
            values = cleaned
        else:
            values = self._clean(step, data, files, {**self.step_form_kwargs(step, actor, obj), **(form_kwargs or {})})
        note = str(values.pop("note", "") or note or "").strip()
        if step.note == "required" and not note:
            raise ValidationError({"note": [_("Please give a reason.")]})
        ctx = Ctx(self, step, obj, actor, values, note, from_status, timezone.now(), request, dict(extra or {}))
        if step.guard:
            step.guard(ctx)
        extra = changes
        changes = dict(step.changes(ctx) if step.changes else {})
        changes.update(extra or {})
        started, stopped = step.deadlines(self.deadline_field)
        for name, due in started.items():
            changes[name] = due(ctx)
        for name in stopped:
            changes[name] = None
        recording = step.target is None or from_status in step.records_in
        # A record that changes no field and writes no other row cannot move a figure: skip the two reads.
        counted = bool(self.counter_source and HOOKS.counters_before) and (
            not recording or bool(changes) or step.after is not None
        )
        target = from_status if recording else str(step.target)
        # While its counters are read, the object says which of its fields this step changes: when the step writes
        # no other row (no `after`), a value kept in another table whose figures depend only on unchanged fields
        # is the same before and after, so the source may leave it out of both readings (its terms cancel).
        moved = {self.status_field} if target != from_status else set()
        move = Move(from_status, target, frozenset(changes) | moved) if not step.after else None
        before = None
        if counted and HOOKS.counters_before:
            obj.workflow_move = move
            try:
                before = HOOKS.counters_before(self.counter_source or "", obj)
            finally:
                del obj.workflow_move
        if not recording or changes:
            self._move(obj, step, from_status, target, changes, ctx.now)
        event = self._event(ctx, target, automatic=automatic, unit=unit)
        if step.after:
            step.after(ctx, event)
        if before is not None and HOOKS.counters_after:
            # The event this step wrote, on the object while its counters follow it: the source may read what
            # the event says instead of querying for it (never later, when the event would be stale).
            obj.workflow_event, obj.workflow_move = event, move
            try:
                HOOKS.counters_after(self.counter_source or "", obj, before)
            finally:
                del obj.workflow_event, obj.workflow_move
        if HOOKS.audit:
            HOOKS.audit(
                action=f"{self.name}.{step.name}",
                actor=actor,
                request=request,
                unit=unit or self.unit(obj),
                obj=obj,
                detail=(f"{self.ref(obj)} " if self.ref else "") + f"{from_status}→{target}",
            )
        if step.notify and HOOKS.notify:
            notices = [
                {"recipients": n.recipients, "kind": n.kind, "title": n.title, "body": n.body,
                 "url": n.url or self.url(obj)}
                for n in step.notify(ctx, event)
            ]
            if notices:
                HOOKS.notify(notices=notices, **self.notice_kwargs(obj))
        return event

    def _move(
        self, obj: Any, step: Step, from_status: str, target: str, changes: dict[str, Any], now: dt.datetime
    ) -> None:
        fields = {f.name for f in self.model._meta.concrete_fields}
        if "updated_at" in fields:
            changes.setdefault("updated_at", now)
        version = getattr(obj, self.version_field)
        rows = self.model._default_manager.filter(
            pk=obj.pk, **{self.status_field: from_status, self.version_field: version}
        )
        if step.where is not None:
            rows = rows.filter(step.where)
        updated = rows.update(**{self.status_field: target, self.version_field: F(self.version_field) + 1}, **changes)
        if updated != 1:
            raise Conflict(
                str(step.taken_message or self.taken_message)
                or _("Someone else changed this just now. Reload and try again.")
            )
        for name, value in changes.items():
            setattr(obj, name, value)
        setattr(obj, self.status_field, target)
        setattr(obj, self.version_field, version + 1)

    def _event(self, ctx: Ctx, target: str, *, automatic: bool, unit: Any = None) -> Any:
        if self.event_model is None:
            return None
        values: dict[str, Any] = {
            self.event_subject: ctx.obj,
            "from_status": ctx.from_status,
            "to_status": target,
            self.event_step: ctx.step.name,
            "actor": ctx.actor if getattr(ctx.actor, "pk", None) else None,
            "unit": unit or self.unit(ctx.obj),
            "note": ctx.note,
        }
        if any(f.name == "automatic" for f in self.event_model._meta.concrete_fields):
            values["automatic"] = automatic or ctx.actor is None
        return self.event_model._default_manager.create(**values)

    def begin(
        self, obj: Any, *, actor: Actor, step: str = "create", note: str = "", request: HttpRequest | None = None
    ) -> Any:
        """The first event of a new object (from "" to its initial state) and its audit row; call inside the
        transaction that created it. Creation sets the initial state, so nothing is moved here."""
        status = self.status_of(obj)
        if status not in self.states:
            raise ValueError(f"{self.name}: {status!r} is not a declared state")
        event = None
        if self.event_model is not None:
            values: dict[str, Any] = {
                self.event_subject: obj,
                "from_status": "",
                "to_status": status,
                self.event_step: step,
                "actor": actor if getattr(actor, "pk", None) else None,
                "unit": self.unit(obj),
                "note": note,
            }
            if any(f.name == "automatic" for f in self.event_model._meta.concrete_fields):
                values["automatic"] = actor is None
            event = self.event_model._default_manager.create(**values)
        if HOOKS.audit:
            HOOKS.audit(
                action=f"{self.name}.{step}",
                actor=actor,
                request=request,
                unit=self.unit(obj),
                obj=obj,
                detail=(f"{self.ref(obj)} " if self.ref else "") + f"→{status}",
            )
        return event

    # --- pages -----------------------------------------------------------------------------------------------

    def handle_page(
        self,
        request: HttpRequest,
        obj: Any,
        step_name: str,
        *,
        next_url: str,
        success: Text = "",
        form_kwargs: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The body of a step view: POST only; success and failure become messages on the object's page."""
        from django.contrib import messages
        from django.http import HttpResponseNotAllowed
        from django.shortcuts import redirect

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        step = self.steps.get(step_name)
        if step is None:
            from django.http import Http404

            raise Http404
        try:
            self.run(
                step_name, obj, actor=request.user, data=request.POST, files=request.FILES, request=request,
                form_kwargs=form_kwargs,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except Conflict as exc:
            messages.error(request, exc.message)
        except PermissionDenied:
            raise
        else:
            messages.success(request, str(success or _("Done: %(step)s.") % {"step": step.label}))
        return redirect(next_url)

    # --- API -------------------------------------------------------------------------------------------------

    def add_api_steps(
        self,
        router: Any,
        prefix: str,
        lookup: Callable[[HttpRequest, int], Any],
        *,
        out: Callable[[Any], dict[str, Any]] | None = None,
        tags: list[str] | None = None,
    ) -> None:
        """One `POST {prefix}/{id}/{step}` operation per step; the body is the step's form as a JSON object.

        `lookup(request, id)` finds the object the caller may see (404 otherwise, through the access policies).
        Answers: 200 with the object's new state, 400 with the field messages, 403, 404, 409.
        """
        from civicloop.core.schemas import ErrorOut, StepOut

        describe = out or self.describe
        for step in self.steps.values():
            if step.allowed is _nobody:
                continue
            router.post(
                f"{prefix}/{{id}}/{step.name}",
                response={200: StepOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
                summary=_bilingual(step.label),
                description=str(step.help or step.label),
                tags=tags,
                operation_id=f"{self.name.replace('.', '_')}_{step.name}",
            )(self._api_endpoint(step, lookup, describe))

    def _api_endpoint(
        self, step: Step, lookup: Callable[[HttpRequest, int], Any], describe: Callable[[Any], dict[str, Any]]
    ) -> Callable[..., dict[str, Any]]:
        from civicloop.core.schemas import Id  # the API's pieces load with the API, not with every worker

        schema = step_schema(self, step)

        def endpoint(request: HttpRequest, id: Id, payload: schema = None) -> dict[str, Any]:  # type: ignore[valid-type,assignment]
            obj = lookup(request, id)
            data: dict[str, Any] = payload.model_dump(exclude_unset=True) if payload is not None else {}
            self.run(step.name, obj, actor=request.user, data=data, request=request)
            return describe(obj)

        endpoint.__name__ = f"{self.name.replace('.', '_')}_{step.name}"
        # this module postpones annotations; ninja reads the real types from here
        endpoint.__annotations__ = {"request": HttpRequestType, "id": Id, "payload": schema | None, "return": dict}
        return endpoint

    def describe(self, obj: Any) -> dict[str, Any]:
        state = self.state(obj)
        return {"id": obj.pk, "status": state.code, "status_label": str(state.label), "version": getattr(obj, self.version_field)}


from django.http import HttpRequest as HttpRequestType  # noqa: E402  (a runtime name for the annotations above)


def _nobody(actor: User, obj: Any) -> bool:
    return False


nobody = _nobody  # `allowed=nobody, system=True`: a step only the platform takes (periodic jobs)


def workflow_of(obj: Any) -> Workflow | None:
    """The workflow declared for this object's model (the first, if a model has several)."""
    for wf in REGISTRY.values():
        if isinstance(obj, wf.model):
            return wf
    return None


_FIELD_TYPES: list[tuple[type[forms.Field], Any]] = [
    (forms.BooleanField, bool),
    (forms.IntegerField, int),
    (forms.DecimalField, float),
    (forms.FloatField, float),
    (forms.DateTimeField, dt.datetime),
    (forms.DateField, dt.date),
    (forms.ModelMultipleChoiceField, list[int]),
    (forms.MultipleChoiceField, list[str]),
    (forms.ModelChoiceField, int),
]


def step_schema(workflow: Workflow, step: Step) -> Any:
    """A pydantic schema for the step's body, named uniquely, built from its form's fields (the form still does
    the validation, so the page and the API give the same messages)."""
    from ninja import Schema
    from pydantic import create_model

    form = workflow.form_for(step)
    fields: dict[str, Any] = {}
    for name, f in (form.fields.items() if form is not None else []):
        kind: Any = str
        for cls, typ in _FIELD_TYPES:
            if isinstance(f, cls):
                kind = typ
                break
        fields[name] = (kind | None, None)
    model_name = "".join(p.title() for p in workflow.name.replace(".", "_").split("_")) + step.name.title().replace(
        "_", ""
    ) + "In"
    return create_model(model_name, __base__=Schema, **fields)


def _bilingual(text: Text) -> str:
    """"领单 · Claim": the OpenAPI summary in Chinese and English, whatever the language of the request."""
    from django.utils import translation

    with translation.override("zh-hans"):
        zh = str(text)
    with translation.override("en"):
        en = str(text)
    return zh if zh == en else f"{zh} · {en}"
