"""Calls for entries API: the twin of every page action, calling the same services with the same rules.

Workflow steps come from the declarations (`POST /calls/{id}/<step>`, `POST /entries/{id}/<step>`); the rest are
list, detail and create endpoints and the judging, voting and publicity actions."""


import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from civicloop import access
from civicloop.contests import policies, selectors, services
from civicloop.contests.lookups import call_lookup, entry_lookup, managed_call
from civicloop.contests.models import Entry, Judge, Objection
from civicloop.contests.workflow import CALL, ENTRY
from civicloop.core.masking import mask_name, mask_phone
from civicloop.core.pagination import Pages
from civicloop.core.schemas import Id

router = Router(tags=["contests"])


# --- schemas --------------------------------------------------------------------------------------------


class Criterion(Schema):
    code: str = Field(max_length=32)
    label: str = Field(max_length=60)
    weight: int = Field(ge=1, le=100)


class CallOut(Schema):
    id: int
    title: str
    kind: str
    organiser_id: int
    sponsor: str
    theme: str
    eligibility: str
    rules: str
    marker: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    required_fields: list[str]
    categories: list[str]
    guideline_chars: int | None
    limit_chars: int | None
    rubric: list[Criterion]
    award_plan: dict[str, int]
    status: str
    version: int
    publicity_ends_at: dt.datetime | None


class CallIn(Schema):
    organiser_id: Id
    title: str = Field(max_length=120)
    kind: str = Field(max_length=16)
    opens_at: dt.datetime
    closes_at: dt.datetime
    sponsor: str = Field("", max_length=120)
    theme: str = Field("", max_length=4000)
    eligibility: str = Field("", max_length=4000)
    rules: str = Field("", max_length=20000)
    contact: str = Field("", max_length=200)
    marker: str = Field("", max_length=80)
    required_fields: list[str] = Field(default_factory=list, max_length=5)
    categories: list[str] = Field(default_factory=list, max_length=50)
    guideline_chars: int | None = Field(None, ge=1, le=100000)
    limit_chars: int | None = Field(None, ge=1, le=100000)
    rubric: list[Criterion] = Field(default_factory=list, max_length=20)
    award_plan: dict[str, int] = Field(default_factory=dict)
    publicity_days: int = Field(7, ge=0, le=60)
    votes_per_day: int = Field(3, ge=1, le=50)
    ip_votes_per_hour: int = Field(60, ge=1, le=100000)


class EntryIn(Schema):
    title: str | None = Field(None, max_length=120)
    category: str | None = Field(None, max_length=40)
    body: str | None = Field(None, max_length=200000)
    caption: str | None = Field(None, max_length=2000)
    author_name: str | None = Field(None, max_length=50)
    author_address: str | None = Field(None, max_length=200)
    author_postcode: str | None = Field(None, max_length=10)
    author_phone: str | None = Field(None, max_length=20)
    organisation: str | None = Field(None, max_length=100)
    nominee_name: str | None = Field(None, max_length=50)
    nominee_phone: str | None = Field(None, max_length=20)
    nominee_consent: bool | None = None
    unit_id: Id | None = None


class EntryOut(Schema):
    id: int
    call_id: int
    number: str | None
    title: str
    category: str
    status: str
    version: int
    source: str
    length: int
    warning: str = ""
    problems: list[str] = []
    author_name: str = ""
    author_phone: str = ""
    nominee_name: str = ""
    nominee_phone: str = ""
    organisation: str = ""
    body: str = ""
    caption: str = ""
    award: str = ""
    score: float | None = None
    rank: int | None = None
    similar_to_id: int | None = None


def entry_out(entry: Entry, user: Any) -> dict[str, Any]:
    full = policies.can_see_author(user, entry)
    judge_only = not full and policies.judge_of(user, entry.call) is not None
    out = {
        "id": entry.pk, "call_id": entry.call_id, "number": None if judge_only else entry.number,
        "title": entry.title, "category": entry.category, "status": entry.status, "version": entry.version,
        "source": entry.source, "length": entry.length, "body": entry.body,
        "caption": entry.caption, "award": entry.award,
        "score": float(entry.score) if entry.score is not None and not judge_only else None,
        "rank": None if judge_only else entry.rank,
        "warning": services.length_warning(entry.call, entry.length),
        "problems": services.entry_problems(entry) if entry.status == "draft" and full else [],
    }
    if judge_only:  # blind: nothing about the author, nor the photographer's credit
        from civicloop.contests.text import strip_credit

        out["caption"] = strip_credit(entry.caption)
        return out
    out.update({
        "author_name": entry.author_name if full else mask_name(entry.author_name),
        "author_phone": entry.author_phone if full else mask_phone(entry.author_phone),
        "nominee_name": entry.nominee_name if full else mask_name(entry.nominee_name),
        "nominee_phone": entry.nominee_phone if full else "",
        "organisation": entry.organisation,
        "similar_to_id": entry.similar_to_id if full else None,
    })
    return out


# --- calls ----------------------------------------------------------------------------------------------


@router.get("/calls", response=list[CallOut], auth=None)
@paginate(Pages, page_size=50)
def list_calls(request: HttpRequest, kind: str = "") -> Any:
    qs = policies.visible_calls(request.user).order_by("-opens_at", "pk")
    return qs.filter(kind=kind) if kind else qs


@router.get("/calls/{id}", response=CallOut, auth=None)
def get_call(request: HttpRequest, id: Id) -> Any:
    return call_lookup(request, id)


@router.post("/calls", response={201: CallOut})
def create_call(request: HttpRequest, payload: CallIn) -> Any:
    from civicloop.network.models import Unit

    unit = Unit.objects.filter(pk=payload.organiser_id, is_active=True).first()
    if unit is None:
        raise ValidationError({"organiser_id": [_("Choose the organiser unit.")]})
    access.require(request, policies.can_create_call(request.user, unit), action="contest_call_create")
    data = payload.model_dump()
    data.pop("organiser_id")
    call = services.call_create(organiser=unit, actor=request.user, **data)
    return Status(201, call)


CALL.add_api_steps(router, "/calls", call_lookup)


@router.get("/calls/{id}/entries", response=list[EntryOut])
@paginate(Pages, page_size=50)
def list_entries(request: HttpRequest, id: Id, status: str = "") -> Any:
    call = managed_call(request, id, "contest_entry_list")
    qs = selectors.entries_for_list(call)
    if status:
        qs = qs.filter(status=status)
    return [entry_out(e, request.user) for e in qs]


@router.post("/calls/{id}/entries", response={201: EntryOut})
def create_entry(request: HttpRequest, id: Id, payload: EntryIn, paper: bool = False) -> Any:
    """A draft entry (online), or with `paper=true` a paper/e-mail entry entered by the call's staff."""
    call = call_lookup(request, id)
    data = payload.model_dump(exclude_unset=True)
    unit = _unit(data.pop("unit_id", None))
    source = Entry.Source.PAPER if paper else Entry.Source.ONLINE
    entry = services.entry_save(call=call, actor=request.user, data=data, source=source, unit=unit)
    return Status(201, entry_out(entry, request.user))


def _unit(unit_id: int | None) -> Any:
    if unit_id is None:
        return None
    from civicloop.network.models import Unit

    return get_object_or_404(Unit, pk=unit_id)


@router.get("/entries/{id}", response=EntryOut)
def get_entry(request: HttpRequest, id: Id) -> Any:
    return entry_out(entry_lookup(request, id), request.user)


@router.post("/entries/{id}", response=EntryOut)
def update_entry(request: HttpRequest, id: Id, payload: EntryIn) -> Any:
    entry = entry_lookup(request, id)
    data = payload.model_dump(exclude_unset=True)
    unit = _unit(data.pop("unit_id", None))
    entry = services.entry_save(call=entry.call, actor=request.user, data=data, entry=entry, unit=unit)
    return entry_out(entry, request.user)


ENTRY.add_api_steps(router, "/entries", entry_lookup)


@router.get("/mine", response=list[EntryOut])
@paginate(Pages, page_size=50)
def my_entries(request: HttpRequest) -> Any:
    return [entry_out(e, request.user) for e in Entry.objects.filter(author=request.user).select_related("call")]


# --- judging --------------------------------------------------------------------------------------------


class JudgeIn(Schema):
    username: str = Field(max_length=150)
    stage: str = Field(max_length=8)


class JudgeOut(Schema):
    id: int
    call_id: int
    stage: str
    user_id: int
    declared_at: dt.datetime | None


class DeclareIn(Schema):
    conflicts: str = Field("", max_length=4000)
    confirm: bool


class RecuseIn(Schema):
    entry_id: Id
    reason: str = Field(max_length=200)


class ScoreIn(Schema):
    values: dict[str, int]
    comment: str = Field("", max_length=2000)


class ScoreOut(Schema):
    id: int
    entry_id: int
    stage: str
    total: float


class AdvanceIn(Schema):
    stage: str = Field(max_length=8)
    top: int | None = Field(None, ge=1, le=10000)


@router.post("/calls/{id}/judges", response={201: JudgeOut})
def add_judge(request: HttpRequest, id: Id, payload: JudgeIn) -> Any:
    call = managed_call(request, id, "contest_judge_assign")
    user = get_user_model().objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        raise ValidationError({"username": [_("There is no account with this user name.")]})
    return Status(201, services.judge_assign(call=call, stage=payload.stage, user=user, actor=request.user))


def _my_judge(request: HttpRequest, id: int) -> Judge:
    judge = get_object_or_404(Judge.objects.select_related("call"), pk=id)
    if judge.user_id != request.user.pk:
        raise Http404
    return judge


@router.post("/judges/{id}/declaration", response=JudgeOut)
def declare(request: HttpRequest, id: Id, payload: DeclareIn) -> Any:
    judge = _my_judge(request, id)
    if not payload.confirm:
        raise ValidationError({"confirm": [_("Sign the declaration first.")]})
    return services.judge_declare(judge=judge, actor=request.user, conflicts=payload.conflicts)


@router.post("/judges/{id}/recusals", response={201: dict})
def recuse(request: HttpRequest, id: Id, payload: RecuseIn) -> Any:
    judge = _my_judge(request, id)
    entry = get_object_or_404(Entry, pk=payload.entry_id, call=judge.call)
    services.judge_recuse(judge=judge, entry=entry, actor=request.user, reason=payload.reason)
    return Status(201, {"entry_id": entry.pk})


@router.post("/entries/{id}/scores", response={201: ScoreOut})
def score(request: HttpRequest, id: Id, payload: ScoreIn) -> Any:
    entry = entry_lookup(request, id)
    s = services.score_submit(entry=entry, actor=request.user, values=payload.values, comment=payload.comment)
    return Status(201, {"id": s.pk, "entry_id": entry.pk, "stage": s.stage, "total": float(s.total)})


@router.post("/calls/{id}/advance", response=dict)
def advance(request: HttpRequest, id: Id, payload: AdvanceIn) -> Any:
    call = managed_call(request, id, "contest_round_advance")
    return {"moved": services.round_advance(call=call, actor=request.user, stage=payload.stage, top=payload.top,
                                            request=request)}


class ProgressOut(Schema):
    stage: str
    entries: int
    done: int
    expected: int


class FiguresOut(Schema):
    total: int
    by_state: dict[str, int]
    by_unit: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    by_day: list[dict[str, Any]]
    progress: list[ProgressOut]
    votes: int
    discounted: int


@router.get("/calls/{id}/figures", response=FiguresOut)
def figures(request: HttpRequest, id: Id) -> Any:
    call = managed_call(request, id, "contest_figures")
    data = selectors.figures(call)
    data["by_day"] = [{"day": str(r["day"]), "n": r["n"]} for r in data["by_day"]]
    return data


# --- results, publicity ---------------------------------------------------------------------------------


class ResultOut(Schema):
    entry_id: int
    title: str
    award: str
    rank: int | None
    name: str
    organisation: str
    certificate_code: str | None


@router.get("/calls/{id}/results", response=list[ResultOut], auth=None)
def results(request: HttpRequest, id: Id) -> Any:
    call = call_lookup(request, id)
    if call.status not in ("publicity", "published"):
        raise Http404
    return [
        {"entry_id": e.pk, "title": e.title, "award": e.award, "rank": e.rank,
         "name": mask_name(e.author_name or e.nominee_name), "organisation": e.organisation,
         "certificate_code": e.certificate_code}
        for e in selectors.results(call)
    ]


class TextIn(Schema):
    text: str = Field(max_length=4000)


class AnswerIn(Schema):
    answer: str = Field(max_length=4000)
    upheld: bool = False


class UnitAwardIn(Schema):
    organisation: str = Field(max_length=100)
    reason: str = Field("", max_length=200)


@router.post("/entries/{id}/objections", response={201: dict})
def object_to(request: HttpRequest, id: Id, payload: TextIn) -> Any:
    entry = entry_lookup(request, id)
    o = services.objection_raise(entry=entry, actor=request.user, text=payload.text)
    return Status(201, {"id": o.pk})


@router.post("/objections/{id}/answer", response=dict)
def answer_objection(request: HttpRequest, id: Id, payload: AnswerIn) -> Any:
    objection = get_object_or_404(Objection.objects.select_related("entry__call"), pk=id)
    if not policies.can_manage_call(request.user, objection.entry.call):
        raise PermissionDenied
    o = services.objection_answer(objection=objection, actor=request.user, answer=payload.answer,
                                  upheld=payload.upheld, request=request)
    return {"id": o.pk, "upheld": o.upheld}


@router.post("/calls/{id}/unit-awards", response={201: dict})
def unit_award(request: HttpRequest, id: Id, payload: UnitAwardIn) -> Any:
    call = managed_call(request, id, "contest_unit_award")
    award = services.unit_award_grant(call=call, actor=request.user, organisation=payload.organisation,
                                      reason=payload.reason)
    return Status(201, {"id": award.pk, "organisation": award.organisation})


# --- votes ----------------------------------------------------------------------------------------------


class VoteOut(Schema):
    entry_id: int
    day: dt.date


class BurstOut(Schema):
    ip: str
    device: str
    minute: dt.datetime
    votes: int


class DiscountIn(Schema):
    ip: str = Field("", max_length=45)
    device: str = Field("", max_length=64)
    start: dt.datetime
    end: dt.datetime
    reason: str = Field(max_length=200)


@router.post("/entries/{id}/votes", response={201: VoteOut})
def vote(request: HttpRequest, id: Id) -> Any:
    from civicloop.contests.views import _device, _ip

    entry = entry_lookup(request, id)
    v = services.vote_cast(entry=entry, voter=request.user, ip=_ip(request), device=_device(request))
    return Status(201, {"entry_id": entry.pk, "day": v.day})


@router.get("/calls/{id}/bursts", response=list[BurstOut])
def bursts(request: HttpRequest, id: Id, threshold: int = 20) -> Any:
    call = managed_call(request, id, "contest_votes")
    return selectors.vote_bursts(call, threshold=max(2, min(threshold, 1000)))


@router.post("/calls/{id}/discounts", response=dict)
def discount(request: HttpRequest, id: Id, payload: DiscountIn) -> Any:
    call = managed_call(request, id, "contest_votes_discount")
    n = services.votes_discount(call=call, actor=request.user, reason=payload.reason, start=payload.start,
                                end=payload.end, ip=payload.ip, device=payload.device)
    return {"discounted": n}


# --- the e-mail queue -----------------------------------------------------------------------------------


class MailOut(Schema):
    id: int
    call_id: int | None
    entry_id: int | None
    subject: str
    problem: str
    created_at: dt.datetime


@router.get("/mail", response=list[MailOut])
@paginate(Pages, page_size=50)
def mail_queue(request: HttpRequest) -> Any:
    access.require(request, access.is_staff(request.user), action="contest_mail_queue")
    return policies.visible_mail(request.user).filter(handled_at__isnull=True).order_by("pk")


@router.post("/mail/{id}/handled", response=dict)
def mail_handled(request: HttpRequest, id: Id) -> Any:
    item = get_object_or_404(policies.visible_mail(request.user), pk=id)
    services.mail_item_handle(item=item, actor=request.user)
    return {"id": item.pk, "handled": True}


# --- certificates ---------------------------------------------------------------------------------------


class VerifyOut(Schema):
    code: str
    name: str
    title: str
    call: str
    award: str
    organiser: str


@router.get("/certificates/{code}", response=VerifyOut, auth=None)
def verify_certificate(request: HttpRequest, code: str) -> Any:
    """Public twin of the verification page: the same masked facts the certificate shows."""
    entry = (
        Entry.objects.select_related("call__organiser")
        .filter(certificate_code=code[:24].upper(), status="awarded")
        .first()
    )
    if entry is None:
        raise Http404
    return {"code": entry.certificate_code, "name": mask_name(entry.author_name or entry.nominee_name),
            "title": entry.title, "call": entry.call.title, "award": str(entry.get_award_display()),
            "organiser": entry.call.organiser.name}


@router.get("/entries/{id}/certificate", response={200: None})
def certificate_pdf(request: HttpRequest, id: Id) -> Any:
    from django.http import HttpResponse
    from django.urls import reverse

    from civicloop.contests import pdf

    entry = entry_lookup(request, id)
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
