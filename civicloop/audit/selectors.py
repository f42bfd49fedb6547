"""Reads of the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.audit.models import AuditEvent


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(
    *,
    action: str = "",
    outcome: str = "",
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    **_ignored: Any,
) -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by the given filters; dates are whole local days, both ends included."""
    events = AuditEvent.objects.select_related("unit")
    if action:
        events = events.filter(action__iexact=action.strip())
    if outcome:
        events = events.filter(outcome=outcome)
    if actor:
        events = events.filter(actor_name__iexact=actor.strip())
    if since:
        events = events.filter(created_at__gte=_day_start(since))
    if until:
        events = events.filter(created_at__lt=_day_start(until + dt.timedelta(days=1)))
    return events.order_by("-created_at", "-id")


def audit_actions() -> list[str]:
    """The action codes seen so far, for the filter's suggestions."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()[:200])


def action_choices() -> list[tuple[str, str]]:
    """The filter's choices: every code of the vocabulary and of the declared workflows, plus older codes seen
    in the log, each by its label (in the reader's language), sorted by label."""
    from civicloop.audit.actions import Action, action_label
    from civicloop.core.workflow import REGISTRY

    codes = set(Action.values) | set(audit_actions())
    for name, wf in REGISTRY.items():
        codes |= {f"{name}.{step}" for step in wf.steps} | {f"{name}.create"}
    labelled = {code: action_label(code) for code in codes}
    return sorted(labelled.items(), key=lambda item: (item[1], item[0]))


# Objects named by something that is not personal data; everything else is shown as its kind and number.
_NAMED_BY = {"network.unit": "name", "people.team": "name"}


def object_labels(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """Human labels for the objects of `events` ("服务订单 KD-20261202-0001", "用户 #6"), one query per kind."""
    wanted: dict[str, set[str]] = {}
    for e in events:
        if e.object_type:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
    labels: dict[tuple[str, str], str] = {}
    for kind, ids in wanted.items():
        if kind == "path":
            labels.update({(kind, i): _("page %(path)s") % {"path": i} for i in ids})
            continue
        try:
            model = apps.get_model(kind)
        except (LookupError, ValueError):
            labels.update({(kind, i): f"{kind} #{i}" for i in ids})
            continue
        noun = str(model._meta.verbose_name)
        field = _NAMED_BY.get(kind) or ("number" if any(f.name == "number" for f in model._meta.fields) else "")
        names: dict[str, str] = {}
        if field:
            pks = [i for i in ids if i.isascii() and i.isdecimal()]
            names = {str(pk): str(v) for pk, v in model._default_manager.filter(pk__in=pks).values_list("pk", field)}
        for i in ids:
            labels[(kind, i)] = f"{noun} {names[i]}" if i in names else f"{noun} #{i}"
    return labels
