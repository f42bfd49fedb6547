"""A brand project's workflow, declared once: active ⇄ paused, either → ended, ended → active again.

The edit form carries the status as a field; `brand_update` turns a changed status into the step that leads
there (`step_between`), so the status still moves only here, with an event row and a `brands.<step>` audit row.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.brands.models import BrandProject, BrandProjectEvent
from civicloop.brands.policies import can_edit_project
from civicloop.core.workflow import HELD, OPEN, TERMINAL, State, Step, Workflow

S = BrandProject.Status

PROJECT = Workflow(
    name="brands",
    model=BrandProject,
    event_model=BrandProjectEvent,
    unit=lambda project: project.owner_unit,
    url=lambda project: f"/brands/{project.pk}/",
    label=_("brand project"),
    states=[
        State(S.ACTIVE, S.ACTIVE.label, badge="green", kind=OPEN),
        State(S.PAUSED, S.PAUSED.label, badge="gold", kind=HELD),
        State(S.ENDED, S.ENDED.label, badge="grey", kind=TERMINAL),
    ],
    steps=[
        Step("pause", _("Pause the project"), sources={S.ACTIVE}, target=S.PAUSED, allowed=can_edit_project),
        Step("resume", _("Resume the project"), sources={S.PAUSED}, target=S.ACTIVE, allowed=can_edit_project),
        Step("end", _("End the project"), sources={S.ACTIVE, S.PAUSED}, target=S.ENDED, allowed=can_edit_project,
             style="danger"),
        Step("reopen", _("Reopen the project"), sources={S.ENDED}, target=S.ACTIVE, allowed=can_edit_project),
    ],
)


def step_between(current: str, wanted: str) -> str | None:
    """The declared step from `current` to `wanted` (None when they are the same)."""
    if current == wanted:
        return None
    for step in PROJECT.steps.values():
        if current in step.sources and step.target == wanted:
            return step.name
    raise ValueError(f"no step {current}→{wanted}")
