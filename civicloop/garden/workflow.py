"""A garden message's moderation, declared once: held for review → visible or hidden; hidden → visible again.

A message starts visible, or held when it contains a listed word or the garden approves messages first
(`comment_post` writes its first event with the reason it was held). Each decision is a conditional update on
(status, version) with one `CommentEvent`, the audit row `garden.comment.<step>` and the moderator's name.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.core.workflow import OPEN, TERMINAL, Ctx, State, Step, Workflow
from civicloop.garden.models import Comment, CommentEvent
from civicloop.garden.policies import can_moderate_comment

C = Comment.Status


def _moderated(ctx: Ctx) -> dict[str, Any]:
    # the reason stays only while the message is hidden
    reason = ctx.note[:200] if ctx.step.target == C.HIDDEN else ""
    return {"hidden_reason": reason, "moderated_by": ctx.actor, "moderated_at": ctx.now}


COMMENT = Workflow(
    name="garden.comment",
    model=Comment,
    event_model=CommentEvent,
    unit=lambda comment: comment.post.garden.unit,
    url=lambda comment: f"/garden/posts/{comment.post_id}/",
    label=_("garden message"),
    taken_message=_("This message has already been handled; reload the page."),
    states=[
        State(C.HELD, C.HELD.label, badge="gold", kind=OPEN),
        # decided, though a moderator may still hide a visible message or restore a hidden one
        State(C.VISIBLE, C.VISIBLE.label, badge="green", kind=TERMINAL),
        State(C.HIDDEN, C.HIDDEN.label, badge="grey", kind=TERMINAL),
    ],
    steps=[
        Step("approve", pgettext_lazy("garden message", "Approve"), sources={C.HELD}, target=C.VISIBLE,
             allowed=can_moderate_comment, changes=_moderated),
        Step("hide", pgettext_lazy("garden message", "Hide"), sources={C.VISIBLE, C.HELD}, target=C.HIDDEN,
             allowed=can_moderate_comment, changes=_moderated, note="required", style="danger"),
        Step("restore", pgettext_lazy("garden message", "Restore"), sources={C.HIDDEN}, target=C.VISIBLE,
             allowed=can_moderate_comment, changes=_moderated),
    ],
)
