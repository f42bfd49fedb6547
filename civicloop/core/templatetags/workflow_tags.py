"""Pages built from a workflow declaration: `{% workflow_badge obj %}`, `{% workflow_panel obj url %}`,
`{% workflow_timeline obj %}`. The panel lists only the steps this viewer may take now, each with its form."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import pgettext

from civicloop.core.workflow import Workflow, workflow_of

register = template.Library()


def _wf(obj: Any, workflow: Workflow | None) -> Workflow:
    wf = workflow or workflow_of(obj)
    if wf is None:
        raise template.TemplateSyntaxError(f"no workflow declared for {type(obj).__name__}")
    return wf


@register.simple_tag
def workflow_badge(obj: Any, workflow: Workflow | None = None) -> str:
    wf = _wf(obj, workflow)
    state = wf.state(obj)
    return format_html('<span class="badge badge-{}">{}</span>', state.badge, state.label)


@register.inclusion_tag("core/workflow/_panel.html", takes_context=True)
def workflow_panel(
    context: Any, obj: Any, step_url: str, workflow: Workflow | None = None, form_kwargs: Any = None
) -> dict[str, Any]:
    """`step_url` is the object's step URL with `STEP` where the step name goes, e.g. "/contests/entries/7/STEP/".
    `form_kwargs` ({step name: kwargs}) narrows a step's form to this object (e.g. a select of the unit's teams)."""
    wf = _wf(obj, workflow)
    user = context["request"].user
    extra = form_kwargs or {}
    steps = [
        {
            "step": s,
            "form": wf.form_for(s, **{**wf.step_form_kwargs(s, user, obj), **extra.get(s.name, {})}),
            "url": step_url.replace("STEP", s.name),
        }
        for s in wf.available(user, obj)
    ]
    return {"steps": steps, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("core/workflow/_timeline.html")
def workflow_timeline(obj: Any, workflow: Workflow | None = None) -> dict[str, Any]:
    wf = _wf(obj, workflow)
    rows = []
    for e in wf.events(obj):
        step = wf.steps.get(getattr(e, wf.event_step))
        rows.append(
            {
                "event": e,
                # the first row (Workflow.begin) names no declared step: it is the creation
                "label": step.label if step else (pgettext("timeline", "Created") if not e.from_status else getattr(e, wf.event_step)),
                "from": wf.states[e.from_status].label if e.from_status in wf.states else "",
                "to": wf.states[e.to_status].label if e.to_status in wf.states else "",
                "moved": e.from_status != e.to_status,
            }
        )
    return {"rows": rows}
