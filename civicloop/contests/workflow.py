"""The two declared workflows: a call (draft → open → closed → reviewing → [voting] → publicity → published) and
an entry (draft → submitted → eligible → first round → second round → publicity → awarded, with withdrawn,
ineligible and not awarded as ends). Nominations skip the judging rounds: eligible candidates go to the vote.

The call's `announce` and `publish_results` steps move its entries in the same transaction (system steps of the
entry workflow), so a call and its entries never disagree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from civicloop.contests import policies
from civicloop.contests.models import Call, CallEvent, Entry, EntryEvent
from civicloop.core.exceptions import Conflict
from civicloop.core.msg import Msg, from_lazy
from civicloop.core.workflow import HELD, TERMINAL, Ctx, Notice, State, Step, Workflow, nobody

# --- call ----------------------------------------------------------------------------------------------------


def _publish_guard(ctx: Ctx) -> None:
    from civicloop.contests.services import call_problems

    problems = call_problems(ctx.obj)
    if problems:
        raise ValidationError(problems)


def _review_guard(ctx: Ctx) -> None:
    if ctx.obj.entries.filter(status="draft").exists() and timezone.now() < ctx.obj.closes_at:
        raise Conflict(_("The call is still open for entries."))


def _announce_guard(ctx: Ctx) -> None:
    if ctx.obj.entries.filter(status="submitted").exists():
        raise Conflict(_("Some entries still wait for the eligibility check."))


def _announce_changes(ctx: Ctx) -> dict[str, Any]:
    return {"publicity_ends_at": ctx.now + dt.timedelta(days=ctx.obj.publicity_days)}


def _announce_after(ctx: Ctx, event: Any) -> None:
    from civicloop.contests.services import results_apply

    results_apply(call=ctx.obj, actor=ctx.actor, request=ctx.request)


def _publish_results_guard(ctx: Ctx) -> None:
    call = ctx.obj
    if call.publicity_ends_at and ctx.now < call.publicity_ends_at:
        raise Conflict(
            _("The publicity period runs until %(end)s.")
            % {"end": timezone.localtime(call.publicity_ends_at).strftime("%Y-%m-%d %H:%M")}
        )
    from civicloop.contests.models import Objection

    if Objection.objects.filter(entry__call=call, answered_at__isnull=True).exists():
        raise Conflict(_("Answer every objection before publishing the results."))


def _publish_results_after(ctx: Ctx, event: Any) -> None:
    from civicloop.contests.services import results_publish

    results_publish(call=ctx.obj, actor=ctx.actor, request=ctx.request)


CALL = Workflow(
    name="contests.call",
    model=Call,
    event_model=CallEvent,
    unit=lambda c: c.organiser,
    url=lambda c: f"/contests/c/{c.pk}/manage/",
    label=gettext_lazy("Call for entries"),
    states=[
        State("draft", gettext_lazy("Draft"), badge="blue"),
        State("open", gettext_lazy("Open for entries"), badge="green", kind=HELD),
        State("closed", gettext_lazy("Closed for entries"), badge="grey"),
        State("reviewing", gettext_lazy("Under review"), badge="gold", kind=HELD),
        State("voting", gettext_lazy("Public voting"), badge="gold", kind=HELD),
        State("publicity", gettext_lazy("Results on public notice"), badge="gold", kind=HELD),
        State("published", gettext_lazy("Results published"), badge="green", kind=TERMINAL),
    ],
    steps=[
        Step("publish", gettext_lazy("Open the call"), {"draft"}, "open", policies.can_manage_call_step, guard=_publish_guard),
        Step(
            "close", gettext_lazy("Close for entries"), {"open"}, "closed", policies.can_manage_call_step, system=True,
            style="secondary", confirm=gettext_lazy("No more entries will be accepted. Close the call?"),
        ),
        Step("start_review", gettext_lazy("Start the review"), {"closed"}, "reviewing", policies.can_manage_call_step,
             guard=_review_guard),
        Step("open_voting", gettext_lazy("Open public voting"), {"reviewing"}, "voting", policies.can_open_voting,
             guard=_announce_guard),
        Step(
            "announce", gettext_lazy("Announce results for public notice"), {"reviewing", "voting"}, "publicity",
            policies.can_manage_call_step, guard=_announce_guard, changes=_announce_changes, after=_announce_after,
            confirm=gettext_lazy("Rank the entries and put the results on public notice?"),
        ),
        Step(
            "publish_results", gettext_lazy("Publish the results"), {"publicity"}, "published",
            policies.can_manage_call_step, guard=_publish_results_guard, after=_publish_results_after,
        ),
    ],
)


# --- entry ---------------------------------------------------------------------------------------------------


def _submit_guard(ctx: Ctx) -> None:
    from civicloop.contests.services import entry_problems, window_check

    window_check(ctx.obj.call, ctx.now)
    problems = entry_problems(ctx.obj)
    if problems:
        raise ValidationError(problems)


def _submit_changes(ctx: Ctx) -> dict[str, Any]:
    prefix = {"essay": "ZW", "photo": "SY", "nomination": "HS"}[ctx.obj.call.kind]
    local = timezone.localtime(ctx.now)
    return {"number": f"{prefix}{local:%Y%m%d}-{ctx.obj.pk:06d}", "submitted_at": ctx.now}


def _author(entry: Entry) -> list[Any]:
    return [entry.author] if entry.author_id else []


def _ack(ctx: Ctx, event: Any) -> list[Notice]:
    e = ctx.obj
    return [
        Notice(
            recipients=_author(e), kind="contest_entry_received",
            title=Msg(gettext_noop("Entry received: %(number)s"), number=e.number),
            body=Msg(
                gettext_noop("“%(title)s” has reached “%(call)s”. Keep the receipt number %(number)s."),
                title=e.title, call=e.call.title, number=e.number,
            ),
        )
    ]


def _decision(kind: str, text: Any):
    def notify(ctx: Ctx, event: Any) -> list[Notice]:
        e = ctx.obj
        # The decision in the reader's language; the body is what the organiser wrote, if anything.
        title = Msg(from_lazy(text).code, title=e.title, call=e.call.title)  # type: ignore[union-attr]
        return [Notice(recipients=_author(e), kind=kind, title=title, body=ctx.note or "")]

    return notify


def _withdraw_guard(ctx: Ctx) -> None:
    call = ctx.obj.call
    if call.status != "open" or ctx.now >= call.closes_at:
        raise Conflict(_("The call has closed; entries can no longer be withdrawn."))


def _check_guard(ctx: Ctx) -> None:
    if ctx.obj.call.status in ("draft", "publicity", "published"):
        raise Conflict(_("Eligibility cannot be checked at this stage of the call."))


def _rounds_guard(ctx: Ctx) -> None:
    if ctx.obj.call.is_nomination:
        raise Conflict(_("Nominations are decided by the station review and the public vote, not by judges."))
    if ctx.obj.call.status != "reviewing":
        raise Conflict(_("Start the review of the call first."))


ENTRY = Workflow(
    name="contests.entry",
    model=Entry,
    event_model=EntryEvent,
    unit=lambda e: e.unit or e.call.organiser,
    url=lambda e: f"/contests/e/{e.pk}/",
    label=gettext_lazy("Entry"),
    states=[
        State("draft", gettext_lazy("Draft"), badge="blue", kind=HELD),
        State("submitted", pgettext_lazy("contests", "Submitted"), badge="gold"),
        State("withdrawn", pgettext_lazy("contests", "Withdrawn"), badge="grey", kind=TERMINAL),
        State("eligible", gettext_lazy("Eligible"), badge="blue", kind=HELD),
        State("ineligible", gettext_lazy("Not eligible"), badge="red", kind=TERMINAL),
        State("first_round", gettext_lazy("First round"), badge="gold", kind=HELD),
        State("second_round", gettext_lazy("Second round"), badge="gold", kind=HELD),
        State("publicity", gettext_lazy("On public notice"), badge="gold", kind=HELD),
        State("awarded", gettext_lazy("Awarded"), badge="green", kind=TERMINAL),
        State("not_awarded", gettext_lazy("Not awarded"), badge="grey", kind=TERMINAL),
    ],
    steps=[
        Step("submit", gettext_lazy("Submit the entry"), {"draft"}, "submitted", policies.can_edit_entry,
             guard=_submit_guard, changes=_submit_changes, notify=_ack),
        Step("withdraw", gettext_lazy("Withdraw the entry"), {"submitted"}, "withdrawn", policies.is_author,
             guard=_withdraw_guard, style="danger", confirm=gettext_lazy("Withdraw this entry? This cannot be undone.")),
        Step("admit", gettext_lazy("Eligible"), {"submitted"}, "eligible", policies.can_review_entry, guard=_check_guard,
             notify=_decision("contest_entry_eligible", gettext_lazy("“%(title)s” passed the eligibility check of “%(call)s”."))),
        Step("refuse", gettext_lazy("Not eligible"), {"submitted"}, "ineligible", policies.can_review_entry,
             guard=_check_guard, note="required", style="danger",
             notify=_decision("contest_entry_ineligible", gettext_lazy("“%(title)s” did not pass the eligibility check of “%(call)s”."))),
        Step("first_round", gettext_lazy("To the first round"), {"eligible"}, "first_round", policies.can_manage_call_entry,
             guard=_rounds_guard),
        Step("second_round", gettext_lazy("To the second round"), {"first_round"}, "second_round",
             policies.can_manage_call_entry, guard=_rounds_guard,
             notify=_decision("contest_entry_second", gettext_lazy("“%(title)s” goes on to the second round of “%(call)s”."))),
        Step("disqualify", gettext_lazy("Withdraw the award (objection upheld)"), {"publicity"}, "not_awarded",
             policies.can_manage_call_entry, note="required", style="danger",
             changes=lambda ctx: {"award": ""},
             notify=_decision("contest_entry_disqualified", gettext_lazy("The award of “%(title)s” in “%(call)s” is withdrawn after an objection."))),
        # moved by the call's announce / publish_results steps
        Step("shortlist", gettext_lazy("Put on public notice"), {"eligible", "first_round", "second_round"}, "publicity",
             nobody, system=True),
        Step("pass_over", gettext_lazy("Not awarded"), {"eligible", "first_round", "second_round"}, "not_awarded",
             nobody, system=True,
             notify=_decision("contest_entry_not_awarded", gettext_lazy("Thank you for taking part in “%(call)s”: “%(title)s” did not win an award this time."))),
        Step("award", gettext_lazy("Award"), {"publicity"}, "awarded", nobody, system=True,
             notify=_decision("contest_entry_awarded", gettext_lazy("“%(title)s” won an award in “%(call)s”."))),
    ],
)

