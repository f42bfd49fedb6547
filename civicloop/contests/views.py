"""Pages of calls for entries: public and entrant pages are phone-first; staff and judge pages are tables.

Every object is fetched through one `_get_*` helper that asks the policies (404 for what the user may not know
exists, 403 — audited — for what they may see but not do)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.contests import exports, policies, selectors, services
from civicloop.contests.forms import (
    AdvanceForm,
    AnswerForm,
    CallForm,
    DeclareForm,
    DiscountForm,
    EntryForm,
    JudgeForm,
    ObjectionForm,
    ReasonForm,
    ScoreForm,
    UnitAwardForm,
)
from civicloop.contests.lookups import call_lookup, entry_lookup, managed_call
from civicloop.contests.models import Call, Entry, Judge, Objection
from civicloop.contests.text import caption_problems, strip_credit
from civicloop.contests.workflow import CALL, ENTRY
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import error_text, page_of
from civicloop.core.masking import mask_address, mask_name, mask_phone

PER_PAGE = 50


def _fail(request: HttpRequest, exc: Exception, form: Any = None) -> None:
    if isinstance(exc, ValidationError):
        if form is not None and hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, getattr(exc, "message", str(exc)))


def _device(request: HttpRequest) -> str:
    raw = f"{request.META.get('HTTP_USER_AGENT', '')}|{request.COOKIES.get('cl_device', '')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --- public and entrants --------------------------------------------------------------------------------


def call_list(request: HttpRequest) -> HttpResponse:
    calls = Call.objects.filter(status__in=policies.PUBLIC_CALL_STATES).select_related("organiser")
    return render(request, "contests/call_list.html", {
        "page": page_of(request, calls.order_by("-opens_at", "pk"), 20),
        "can_manage": access.is_staff(request.user),
        "judging": request.user.is_authenticated and Judge.objects.filter(user=request.user).exists(),
    })


def _public_entry(entry: Entry) -> dict[str, Any]:
    return {
        "entry": entry,
        "author": mask_name(entry.author_name) if entry.author_name else "",
        "nominee": mask_name(entry.nominee_name),
        "votes": getattr(entry, "n", None),
    }


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_lookup(request, pk)
    ctx: dict[str, Any] = {"call": call, "can_manage": policies.can_manage_call(request.user, call)}
    if call.is_nomination and call.status in ("voting", "publicity", "published"):
        ctx["candidates"] = [_public_entry(e) for e in selectors.candidates(call)[:200]]
    if call.status in ("publicity", "published"):
        ctx["results"] = [_public_entry(e) for e in selectors.results(call)]
        ctx["unit_awards"] = call.unit_awards.all()
    if request.user.is_authenticated:
        ctx["mine"] = call.entries.filter(author=request.user).order_by("-pk")[:10]
    return render(request, "contests/call_detail.html", ctx)


def call_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable poster with a QR code to the call's page (segno renders inline SVG)."""
    import segno

    call = call_lookup(request, pk)
    url = request.build_absolute_uri(reverse("contests:call_detail", args=[call.pk]))
    svg = segno.make(url, error="m").svg_inline(scale=6, dark="#8a1010")
    return render(request, "contests/poster.html", {"call": call, "qr": svg, "url": url})


def _entry_form_page(request: HttpRequest, call: Call, entry: Entry | None, source: str) -> HttpResponse:
    initial = {}
    if entry is not None:
        initial = {k: getattr(entry, k) for k in (
            "title", "category", "body", "caption", "author_name", "author_address", "author_postcode",
            "author_phone", "organisation", "nominee_name", "nominee_phone", "nominee_consent")}
        initial["unit"] = entry.unit_id
    form = EntryForm(request.POST or None, request.FILES or None, call=call, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("photo", "unit")}
        try:
            entry = services.entry_save(
                call=call, actor=request.user, data=data, entry=entry, photo=form.cleaned_data.get("photo"),
                source=source, unit=form.cleaned_data.get("unit"),
            )
        except (ValidationError, Conflict) as exc:
            _fail(request, exc, form)
        else:
            warning = services.length_warning(call, entry.length)
            if warning:
                messages.warning(request, warning)
            if (call.kind == Call.Kind.PHOTO and entry.caption and caption_problems(entry.caption)
                    and "submit" not in request.POST):  # on submit the refusal already names what is missing
                messages.warning(request, services.caption_message(caption_problems(entry.caption)))
            if entry.similar_to_id:
                messages.warning(request, _("This photo looks very like another entry of this call."))
            if "submit" in request.POST:
                try:
                    ENTRY.run("submit", entry, actor=request.user, request=request)
                except (ValidationError, Conflict) as exc:
                    _fail(request, exc)
                    return redirect("contests:entry_edit", entry.pk)
                entry.refresh_from_db()
                messages.success(request, _("Your entry is in. Receipt number: %(number)s.") % {"number": entry.number})
            else:
                messages.success(request, _("The draft is saved."))
            return redirect("contests:entry_detail", entry.pk)
    return render(request, "contests/entry_form.html", {
        "call": call, "form": form, "entry": entry, "source": source,
    })


@login_required
def entry_new(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_lookup(request, pk)
    if call.status != "open":
        messages.error(request, _("This call is not accepting entries."))
        return redirect("contests:call_detail", call.pk)
    return _entry_form_page(request, call, None, Entry.Source.ONLINE)


@login_required
def entry_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter a paper or e-mail entry (代录); it gets the same checks and receipt number."""
    call = managed_call(request, pk, "contest_entry_paper")
    return _entry_form_page(request, call, None, Entry.Source.PAPER)


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_lookup(request, pk)
    access.require(request, policies.can_edit_entry(request.user, entry), action="contest_entry_edit", obj=entry)
    if entry.status != "draft":
        messages.error(request, _("Only a draft can be changed."))
        return redirect("contests:entry_detail", entry.pk)
    return _entry_form_page(request, entry.call, entry, entry.source)


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public for entries on the public list (candidates, results); otherwise for those who may see it."""
    if not request.user.is_authenticated:
        entry = get_object_or_404(Entry.objects.select_related("call__organiser", "unit"), pk=pk)
        if not policies.entry_is_public(entry):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
    entry = entry_lookup(request, pk)
    user = request.user
    call = entry.call
    full = policies.can_see_author(user, entry)
    judge = policies.judge_of(user, call)
    if not full and judge is not None and not policies.is_author(user, entry):
        return redirect("contests:judge_entry", judge.pk, entry.pk)
    ctx: dict[str, Any] = {
        "entry": entry,
        "call": call,
        "full": full,
        "step_url": reverse("contests:entry_step", args=[entry.pk, "STEP"]),
        "manage": policies.can_manage_call(user, call),
        "can_edit": entry.status == "draft" and policies.can_edit_entry(user, entry),
        "warning": services.length_warning(call, entry.length) if call.kind == Call.Kind.ESSAY else "",
        "problems": services.entry_problems(entry) if entry.status == "draft" else [],
        "show": {
            "author_name": entry.author_name if full else mask_name(entry.author_name),
            "author_address": entry.author_address if full else mask_address(entry.author_address),
            "author_phone": entry.author_phone if full else mask_phone(entry.author_phone),
            "nominee_name": entry.nominee_name if full else mask_name(entry.nominee_name),
            "nominee_phone": entry.nominee_phone if full else mask_phone(entry.nominee_phone),
        },
        "objections": entry.objections.all() if full else [],
        "can_object": policies.can_object(user, entry) and call.status == "publicity",
        "objection_form": ObjectionForm(),
        "answer_form": AnswerForm(),
        "scores": entry.scores.select_related("judge__user") if policies.can_manage_call(user, call) else [],
        "attachments": entry.attachments.all() if full else [],
    }
    return render(request, "contests/entry_detail.html", ctx)


@login_required
def entry_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    entry = entry_lookup(request, pk)
    return ENTRY.handle_page(request, entry, step, next_url=reverse("contests:entry_detail", args=[entry.pk]))


@login_required
def my_entries(request: HttpRequest) -> HttpResponse:
    entries = Entry.objects.filter(author=request.user).select_related("call").order_by("-pk")
    return render(request, "contests/my_entries.html", {"page": page_of(request, entries, 20)})


def entry_photo(request: HttpRequest, pk: int, size: str) -> HttpResponse:
    """Photos live in private storage: the web copy for whoever may see the entry (judges included), the
    original only for the author and the call's reviewers."""
    entry = get_object_or_404(Entry.objects.select_related("call"), pk=pk)
    if not policies.can_view_entry(request.user, entry):
        raise Http404
    if size == "original":
        access.require(request, policies.can_see_author(request.user, entry), action="contest_photo_original",
                       obj=entry)
        field = entry.photo
    else:
        field = entry.web_photo
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type="image/jpeg" if size != "original" else None)
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    from civicloop.contests import pdf

    entry = entry_lookup(request, pk)
    access.require(
        request,
        policies.can_see_author(request.user, entry) and entry.status == "awarded" and bool(entry.certificate_code),
        action="contest_certificate",
        obj=entry,
    )
    url = request.build_absolute_uri(reverse("contests:verify", args=[entry.certificate_code]))
    response = HttpResponse(pdf.certificate(entry, url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{entry.certificate_code}.pdf"'
    return response


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this certificate genuine? Shows no more than the certificate (the name masked)."""
    entry = (
        Entry.objects.select_related("call__organiser")
        .filter(certificate_code=code[:24].upper(), status="awarded")
        .first()
    )
    ctx = {"code": code[:24], "entry": entry}
    if entry is not None:
        ctx["name"] = mask_name(entry.author_name or entry.nominee_name)
    return render(request, "contests/verify.html", ctx, status=200 if entry else 404)


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_lookup(request, pk)
    try:
        services.vote_cast(entry=entry, voter=request.user, ip=_ip(request), device=_device(request))
    except (ValidationError, Conflict) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Thank you: your 点赞 is counted."))
    return redirect(reverse("contests:call_detail", args=[entry.call_id]) + f"#e{entry.pk}")


@login_required
@require_POST
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_lookup(request, pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors.get("text") or [_("Write the objection.")])))
    else:
        try:
            services.objection_raise(entry=entry, actor=request.user, text=form.cleaned_data["text"])
        except (ValidationError, Conflict) as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Your objection is recorded; the organiser will answer it."))
    return redirect("contests:entry_detail", entry.pk)


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("entry__call"), pk=pk)
    access.require(request, policies.can_manage_call(request.user, objection.entry.call),
                   action="contest_objection_answer", obj=objection.entry)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.objection_answer(objection=objection, actor=request.user, request=request,
                                      answer=form.cleaned_data["answer"], upheld=form.cleaned_data["upheld"])
        except (ValidationError, Conflict) as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("The objection is answered."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect("contests:entry_detail", objection.entry_id)


# --- staff ----------------------------------------------------------------------------------------------


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="contest_manage_list")
    calls = policies.managed_calls(request.user).select_related("organiser").order_by("-opens_at", "pk")
    return render(request, "contests/manage_list.html", {"page": page_of(request, calls, PER_PAGE)})


def _rubric_text(rubric: list[dict[str, Any]]) -> str:
    return "\n".join(f"{c['label']} {c['weight']}" for c in rubric)


@login_required
def call_new(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="contest_call_create")
    form = CallForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            call = services.call_create(
                organiser=d["organiser"], actor=request.user, title=d["title"], kind=d["kind"],
                sponsor=d["sponsor"], theme=d["theme"], eligibility=d["eligibility"], rules=d["rules"],
                contact=d["contact"], marker=d["marker"], opens_at=d["opens_at"], closes_at=d["closes_at"],
                required_fields=d["required_fields"], categories=d["categories"].splitlines(),
                guideline_chars=d["guideline_chars"], limit_chars=d["limit_chars"], rubric=d["rubric"],
                award_plan={k: d[k] for k in ("first", "second", "third", "merit")},
                publicity_days=d["publicity_days"], votes_per_day=d["votes_per_day"],
            )
        except ValidationError as exc:
            _fail(request, exc, form)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("The call is saved as a draft."))
            return redirect("contests:call_manage", call.pk)
    return render(request, "contests/call_form.html", {"form": form})


@login_required
def call_manage(request: HttpRequest, pk: int) -> HttpResponse:
    call = managed_call(request, pk, "contest_call_manage")
    tab = request.GET.get("tab", "")
    entries = selectors.entries_for_list(call).select_related("similar_to")
    states = [s for s in ENTRY.states.values() if s.code != "draft"]
    if tab in ENTRY.states:
        entries = entries.filter(status=tab)
    return render(request, "contests/call_manage.html", {
        "call": call,
        "tab": tab,
        "step_url": reverse("contests:call_step", args=[call.pk, "STEP"]),
        "states": states,
        "page": page_of(request, entries, PER_PAGE),
        "figures": selectors.figures(call),
        "judges": call.judges.select_related("user").order_by("stage", "pk"),
        "judge_form": JudgeForm(),
        "advance_form": AdvanceForm(),
        "unit_award_form": UnitAwardForm(),
        "objections": Objection.objects.filter(entry__call=call, answered_at__isnull=True).select_related("entry"),
        "preview": services.results_preview(call)[:30] if call.status in ("reviewing", "voting") else [],
        "rubric": _rubric_text(call.rubric),
    })


@login_required
def call_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    call = call_lookup(request, pk)
    return CALL.handle_page(request, call, step, next_url=reverse("contests:call_manage", args=[call.pk]))


@login_required
@require_POST
def judge_add(request: HttpRequest, pk: int) -> HttpResponse:
    call = managed_call(request, pk, "contest_judge_assign")
    form = JudgeForm(request.POST)
    if form.is_valid():
        user = get_user_model().objects.filter(username=form.cleaned_data["username"], is_active=True).first()
        if user is None:
            messages.error(request, _("There is no account with this user name."))
        else:
            try:
                services.judge_assign(call=call, stage=form.cleaned_data["stage"], user=user, actor=request.user)
            except (ValidationError, Conflict) as exc:
                _fail(request, exc)
            else:
                messages.success(request, _("The judge is assigned."))
    else:
        messages.error(request, _("Give a user name and a stage."))
    return redirect("contests:call_manage", call.pk)


@login_required
@require_POST
def round_advance(request: HttpRequest, pk: int) -> HttpResponse:
    call = managed_call(request, pk, "contest_round_advance")
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            n = services.round_advance(call=call, actor=request.user, stage=form.cleaned_data["stage"],
                                       top=form.cleaned_data["top"], request=request)
        except (ValidationError, Conflict) as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("%(n)s entries moved on.") % {"n": n})
    else:
        messages.error(request, error_text(ValidationError(next(iter(form.errors.values())))))
    return redirect("contests:call_manage", call.pk)


@login_required
@require_POST
def unit_award(request: HttpRequest, pk: int) -> HttpResponse:
    call = managed_call(request, pk, "contest_unit_award")
    form = UnitAwardForm(request.POST)
    if form.is_valid():
        try:
            services.unit_award_grant(call=call, actor=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("The organisation award is recorded."))
    else:
        messages.error(request, _("Name the unit."))
    return redirect("contests:call_manage", call.pk)


@login_required
def votes_page(request: HttpRequest, pk: int) -> HttpResponse:
    call = managed_call(request, pk, "contest_votes")
    # a burst's "discount" link fills the form in (the staff member still gives the reason)
    initial = {k: request.GET.get(k, "") for k in ("ip", "device", "start", "end")}
    form = DiscountForm(request.POST or None, initial=initial)
    if request.method == "POST":
        access.require(request, policies.can_discount_votes(request.user, call), action="contest_votes_discount",
                       obj=call)
        if form.is_valid():
            d = form.cleaned_data
            try:
                n = services.votes_discount(call=call, actor=request.user, reason=d["reason"], start=d["start"],
                                            end=d["end"], ip=d["ip"] or "", device=d["device"])
            except (ValidationError, Conflict) as exc:
                _fail(request, exc, form)
            else:
                messages.success(request, _("%(n)s votes discounted.") % {"n": n})
                return redirect("contests:votes", call.pk)
    try:
        threshold = max(2, min(1000, int(request.GET.get("threshold", "20"))))
    except ValueError:
        threshold = 20
    return render(request, "contests/votes.html", {
        "call": call, "form": form, "bursts": selectors.vote_bursts(call, threshold=threshold),
        "threshold": threshold, "candidates": selectors.candidates(call)[:200], "figures": selectors.figures(call),
    })


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    call = managed_call(request, pk, "contest_export")
    response = HttpResponse(
        exports.entries_workbook(call),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="contest-{call.pk}-entries.xlsx"'
    return response


def results(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_lookup(request, pk)
    if call.status not in ("publicity", "published"):
        raise Http404
    return render(request, "contests/results.html", {
        "call": call, "results": [_public_entry(e) for e in selectors.results(call)],
        "unit_awards": call.unit_awards.all(),
    })


# --- judges ---------------------------------------------------------------------------------------------


def _get_judge(request: HttpRequest, pk: int) -> Judge:
    judge = get_object_or_404(Judge.objects.select_related("call", "user"), pk=pk)
    if judge.user_id != request.user.pk:
        raise Http404
    return judge


@login_required
def judge_home(request: HttpRequest) -> HttpResponse:
    judges = Judge.objects.filter(user=request.user).select_related("call").order_by("-pk")
    return render(request, "contests/judge_home.html", {"judges": judges})


@login_required
def judge_stage(request: HttpRequest, pk: int) -> HttpResponse:
    judge = _get_judge(request, pk)
    form = DeclareForm(request.POST or None, initial={"conflicts": judge.conflicts})
    if request.method == "POST" and form.is_valid():
        services.judge_declare(judge=judge, actor=request.user, conflicts=form.cleaned_data["conflicts"])
        messages.success(request, _("Your declaration is recorded."))
        return redirect("contests:judge_stage", judge.pk)
    state = next(s for s, st in policies.STAGE_OF_STATE.items() if st == judge.stage)
    rows = []
    if judge.declared_at:
        scored = set(judge.scores.values_list("entry_id", flat=True))
        for entry in judge.call.entries.filter(status=state).order_by("pk"):
            rows.append({"entry": entry, "scored": entry.pk in scored,
                         "conflicted": policies.judge_conflicted(judge, entry)})
    return render(request, "contests/judge_stage.html", {"judge": judge, "form": form, "rows": rows})


@login_required
def judge_entry(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """Blind scoring: the entry without its author, organisation, receipt number or photographer."""
    judge = _get_judge(request, pk)
    entry = get_object_or_404(Entry, pk=entry_pk, call=judge.call)
    access.require(request, policies.can_judge_entry(request.user, entry) or judge.scores.filter(entry=entry).exists(),
                   action="contest_judge_entry", obj=entry)
    form = ScoreForm(request.POST or None, call=judge.call)
    mine = judge.scores.filter(entry=entry).first()
    if request.method == "POST" and "reason" in request.POST:
        reason = ReasonForm(request.POST)
        if reason.is_valid():
            try:
                services.judge_recuse(judge=judge, entry=entry, actor=request.user, reason=reason.cleaned_data["reason"])
            except (ValidationError, Conflict) as exc:
                _fail(request, exc)
            else:
                messages.success(request, _("You stand aside from this entry."))
                return redirect("contests:judge_stage", judge.pk)
    elif request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "comment"}
        try:
            services.score_submit(entry=entry, actor=request.user, values=values, comment=form.cleaned_data["comment"])
        except (ValidationError, Conflict) as exc:
            _fail(request, exc, form)
        else:
            messages.success(request, _("Your score is recorded."))
            return redirect("contests:judge_stage", judge.pk)
    return render(request, "contests/judge_entry.html", {
        "judge": judge, "entry": entry, "form": form, "mine": mine, "reason_form": ReasonForm(),
        "caption": strip_credit(entry.caption), "rubric": judge.call.rubric,
    })


# --- the e-mail queue -----------------------------------------------------------------------------------


@login_required
def mail_queue(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="contest_mail_queue")
    items = policies.visible_mail(request.user).filter(handled_at__isnull=True).select_related("call", "entry")
    return render(request, "contests/mail_queue.html", {"page": page_of(request, items.order_by("pk"), PER_PAGE)})


@login_required
@require_POST
def mail_handled(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(policies.visible_mail(request.user), pk=pk)
    try:
        services.mail_item_handle(item=item, actor=request.user)
    except Conflict as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Marked as dealt with."))
    return redirect("contests:mail_queue")
