"""Writes for calls for entries. Each use case is one durable transaction; state moves go through the declared
workflows in `contests.workflow` (which write the event, audit and outbox rows)."""

from __future__ import annotations

import datetime as dt
import io
import secrets
import statistics
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop import access
from civicloop.audit.services import audit_record
from civicloop.contests import policies
from civicloop.contests.models import (
    Call,
    Entry,
    Judge,
    Objection,
    Recusal,
    Score,
    UnitAward,
    Vote,
    VoteTally,
)
from civicloop.contests.text import caption_problems, count_zi
from civicloop.core.exceptions import Conflict
from civicloop.core.validators import normalize_phone, validate_mobile, validate_postcode
from civicloop.core.workflow import Actor

AUTHOR_FIELDS = ("name", "address", "postcode", "phone", "organisation")
AWARD_ORDER = ("first", "second", "third", "merit")
MAX_PHOTO_BYTES = 20 * 1024 * 1024
WEB_SIZE = 1280
SIMILAR_BITS = 8  # dHash distance (of 64 bits) at or below which two photos are flagged as near-duplicates


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# --- calls -------------------------------------------------------------------------------------------------


def _rubric_clean(rubric: Any) -> list[dict[str, Any]]:
    if not isinstance(rubric, list):
        raise ValidationError({"rubric": [_("The rubric must be a list of criteria.")]})
    cleaned = []
    for item in rubric:
        try:
            code, label, weight = str(item["code"])[:32], str(item["label"])[:60], int(item["weight"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError({"rubric": [_("Each criterion needs a code, a label and a weight.")]}) from exc
        if not code or not label or not 1 <= weight <= 100:
            raise ValidationError({"rubric": [_("Each criterion needs a code, a label and a weight.")]})
        cleaned.append({"code": code, "label": label, "weight": weight})
    if len({c["code"] for c in cleaned}) != len(cleaned):
        raise ValidationError({"rubric": [_("Criterion codes must differ.")]})
    return cleaned


def call_create(
    *,
    organiser: Any,
    actor: Actor,
    title: str,
    kind: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    sponsor: str = "",
    theme: str = "",
    eligibility: str = "",
    rules: str = "",
    contact: str = "",
    marker: str = "",
    required_fields: list[str] | None = None,
    categories: list[str] | None = None,
    guideline_chars: int | None = None,
    limit_chars: int | None = None,
    rubric: list[dict[str, Any]] | None = None,
    award_plan: dict[str, int] | None = None,
    publicity_days: int = 7,
    votes_per_day: int = 3,
    ip_votes_per_hour: int = 60,
) -> Call:
    if not policies.can_create_call(actor, organiser):
        raise PermissionDenied(_("You do not have permission to do this."))
    errors: dict[str, list[str]] = {}
    if kind not in Call.Kind.values:
        errors["kind"] = [_("Choose a kind of call.")]
    if not (title or "").strip():
        errors["title"] = [_("Give the call a title.")]
    if closes_at <= opens_at:
        errors["closes_at"] = [_("The call must close after it opens.")]
    fields = list(dict.fromkeys(required_fields or []))
    if set(fields) - set(AUTHOR_FIELDS):
        errors["required_fields"] = [_("Unknown author field.")]
    if guideline_chars and limit_chars and limit_chars < guideline_chars:
        errors["limit_chars"] = [_("The hard limit cannot be below the guideline.")]
    plan = {k: min(int(v), 1000) for k, v in (award_plan or {}).items() if k in AWARD_ORDER and int(v) > 0}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        call = Call(
            organiser=organiser,
            unit_path=organiser.path,
            title=title.strip(),
            kind=kind,
            sponsor=sponsor,
            theme=theme,
            eligibility=eligibility,
            rules=rules,
            contact=contact,
            marker=marker.strip(),
            required_fields=fields,
            categories=[c.strip() for c in (categories or []) if c.strip()],
            guideline_chars=guideline_chars,
            limit_chars=limit_chars,
            rubric=_rubric_clean(rubric or []),
            award_plan=plan,
            publicity_days=publicity_days,
            votes_per_day=votes_per_day,
            ip_votes_per_hour=ip_votes_per_hour,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor,
        )
        call.save()
        audit_record(action="contests.call.create", actor=actor, unit=organiser, obj=call)
    return call


def call_problems(call: Call) -> list[str]:
    """What keeps a draft call from opening."""
    problems = []
    if not call.is_nomination:
        if not call.rubric:
            problems.append(_("Give the call a rubric (criteria with weights) before it opens."))
        elif sum(c["weight"] for c in call.rubric) != 100:
            problems.append(_("The rubric's weights must add up to 100."))
    if not call.award_plan:
        problems.append(_("Say how many awards the call gives."))
    if call.closes_at <= timezone.now():
        problems.append(_("The closing time has already passed."))
    return problems


def window_check(call: Call, now: dt.datetime) -> None:
    """Entries are accepted only while the call is open, between its opening and closing time (Asia/Shanghai)."""
    if call.status != "open":
        raise Conflict(_("This call is not accepting entries."))
    if now < call.opens_at:
        raise Conflict(_("This call opens at %(time)s (Beijing time).") % {"time": _local(call.opens_at)})
    if now >= call.closes_at:
        raise Conflict(_("This call closed at %(time)s (Beijing time).") % {"time": _local(call.closes_at)})


# --- entries -----------------------------------------------------------------------------------------------


def length_warning(call: Call, length: int) -> str:
    if call.guideline_chars and length > call.guideline_chars and not (call.limit_chars and length > call.limit_chars):
        return _("The text has %(count)s 字; about %(guideline)s 字 or fewer is preferred.") % {
            "count": length,
            "guideline": call.guideline_chars,
        }
    return ""


def entry_problems(entry: Entry) -> list[str]:
    """What keeps an entry from being submitted (the same rules online, on paper and by e-mail)."""
    call = entry.call
    problems: list[str] = []
    values = {
        "name": entry.author_name,
        "address": entry.author_address,
        "postcode": entry.author_postcode,
        "phone": entry.author_phone,
        "organisation": entry.organisation,
    }
    labels = {
        "name": _("the author's name"),
        "address": _("the address"),
        "postcode": _("the postcode"),
        "phone": _("the phone number"),
        "organisation": _("the organisation"),
    }
    for code in call.required_fields:
        if not (values.get(code) or "").strip():
            problems.append(_("Please give %(what)s.") % {"what": labels[code]})
    if not entry.title.strip():
        problems.append(_("Give the entry a title."))
    # a category is optional (e-mailed entries rarely name one); one that is given must be the call's
    if call.categories and entry.category and entry.category not in call.categories:
        problems.append(_("Choose a category."))
    if call.kind == Call.Kind.ESSAY:
        if entry.length == 0 and not entry.attachments.exists():
            problems.append(_("The entry has no text."))
        if call.limit_chars and entry.length > call.limit_chars:
            problems.append(
                _("The text has %(count)s 字, more than the limit of %(limit)s 字.")
                % {"count": entry.length, "limit": call.limit_chars}
            )
    elif call.kind == Call.Kind.PHOTO:
        if not entry.photo:
            problems.append(_("Attach the photo."))
        missing = caption_problems(entry.caption)
        if missing:
            problems.append(caption_message(missing))
    else:
        if not (entry.nominee_name or "").strip():
            problems.append(_("Give the nominee's name."))
        if not entry.nominee_consent:
            problems.append(_("The nominee must agree to be nominated."))
        if entry.unit_id is None:
            problems.append(_("Choose the nominee's community."))
        if entry.length < 20:
            problems.append(_("Tell the story in at least 20 字."))
    return problems


def caption_message(missing: list[str]) -> str:
    parts = {
        "date": _("the date"),
        "place": _("the place"),
        "what": _("what happens"),
        "credit": _("the photographer (“某某 摄”)"),
    }
    return _("The caption needs %(parts)s.") % {"parts": "、".join(str(parts[m]) for m in missing)}


def _clean_author(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    postcode = (data.get("author_postcode") or "").strip()
    phone = normalize_phone(data.get("author_phone") or "")
    if postcode:
        try:
            validate_postcode(postcode)
        except ValidationError as exc:
            errors["author_postcode"] = exc.messages
    if phone:
        try:
            validate_mobile(phone)
        except ValidationError as exc:
            errors["author_phone"] = exc.messages
    nominee_phone = normalize_phone(data.get("nominee_phone") or "")
    if nominee_phone:
        try:
            validate_mobile(nominee_phone)
        except ValidationError as exc:
            errors["nominee_phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return {"author_postcode": postcode, "author_phone": phone, "nominee_phone": nominee_phone}


TEXT_FIELDS = {
    "title": 120,
    "category": 40,
    "body": 200_000,
    "author_name": 50,
    "author_address": 200,
    "organisation": 100,
    "caption": 2000,
    "nominee_name": 50,
}


def entry_save(
    *,
    call: Call,
    actor: Actor,
    data: dict[str, Any],
    entry: Entry | None = None,
    photo: Any = None,
    source: str = Entry.Source.ONLINE,
    unit: Any = None,
) -> Entry:
    """Create or edit a draft entry. Entrants write their own; staff enter paper and e-mail entries."""
    if entry is None:
        if source == Entry.Source.ONLINE:
            if not getattr(actor, "is_authenticated", False):
                raise PermissionDenied(_("Sign in to take part."))
            window_check(call, timezone.now())
        elif actor is not None and not policies.can_manage_call(actor, call):
            raise PermissionDenied(_("You do not have permission to do this."))
    else:
        if actor is not None and not policies.can_edit_entry(actor, entry):
            raise PermissionDenied(_("You do not have permission to do this."))
        if entry.status != "draft":
            raise Conflict(_("Only a draft can be changed."))
    values = {k: str(data.get(k) or "").strip()[:n] for k, n in TEXT_FIELDS.items() if k in data}
    values.update({k: v for k, v in _clean_author(data).items() if k in data})
    if "body" in data:
        values["body"] = str(data.get("body") or "").replace("\r\n", "\n").strip()
    if not (values.get("title") or (entry.title if entry else "")):
        raise ValidationError({"title": [_("Give the entry a title.")]})
    if call.limit_chars and "body" in values and count_zi(values["body"]) > call.limit_chars * 3:
        raise ValidationError({"body": [_("The text is far too long to keep.")]})
    with transaction.atomic():
        if entry is None:
            entry = Entry(
                call=call,
                author=actor if source == Entry.Source.ONLINE else None,
                source=source,
                unit_path=call.unit_path,
                created_by=actor,
            )
        for k, v in values.items():
            setattr(entry, k, v)
        if "nominee_consent" in data:
            entry.nominee_consent = str(data.get("nominee_consent")).lower() in ("1", "true", "on", "yes")
        if call.is_nomination and unit is not None:
            if not policies.nomination_units(call).filter(pk=unit.pk).exists():
                raise ValidationError({"unit": [_("Choose a community of this call.")]})
            entry.unit = unit
            entry.unit_path = unit.path
        entry.length = count_zi(entry.body)
        entry.save()
        if photo is not None:
            photo_attach(entry=entry, upload=photo)
    return entry


# --- photos ------------------------------------------------------------------------------------------------


def dhash(image: Any) -> str:
    """A 64-bit difference hash: near-identical photos (resized, recompressed) differ in few bits."""
    from PIL import Image

    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    px = list(small.tobytes())  # one byte per pixel in mode "L"
    bits = 0
    for row in range(8):
        for col in range(8):
            bits = (bits << 1) | (1 if px[row * 9 + col] > px[row * 9 + col + 1] else 0)
    return f"{bits:016x}"


def hash_distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _exif(image: Any) -> tuple[dt.datetime | None, str]:
    exif = image.getexif()
    taken_raw = exif.get_ifd(0x8769).get(36867) or exif.get(306)
    taken = None
    if isinstance(taken_raw, str):
        try:
            taken = timezone.make_aware(dt.datetime.strptime(taken_raw.strip()[:19], "%Y:%m:%d %H:%M:%S"))
        except ValueError:
            taken = None
    make, model = str(exif.get(271) or "").strip(), str(exif.get(272) or "").strip()
    camera = model if make and model.startswith(make) else f"{make} {model}".strip()
    return taken, camera.replace("\x00", "")[:100]


def photo_attach(*, entry: Entry, upload: Any) -> Entry:
    """Keep the original privately, read EXIF, make a web copy without EXIF (no GPS leaks), flag look-alikes.
    Called inside the saving transaction."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    data = upload.read()
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": [_("The photo is larger than 20 MB.")]})
    try:
        Image.open(io.BytesIO(data)).verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError({"photo": [_("This file is not a photo we can read (JPEG or PNG).")]}) from exc
    entry.taken_at, entry.camera = _exif(image)
    web = ImageOps.exif_transpose(image).convert("RGB")
    web.thumbnail((WEB_SIZE, WEB_SIZE))
    out = io.BytesIO()
    web.save(out, "JPEG", quality=82)
    entry.phash = dhash(web)
    ext = (image.format or "jpg").lower().replace("jpeg", "jpg")
    entry.photo.save(f"{secrets.token_hex(8)}.{ext}", ContentFile(data), save=False)
    entry.web_photo.save(f"{secrets.token_hex(8)}.jpg", ContentFile(out.getvalue()), save=False)
    entry.similar_to = None
    for other_pk, other_hash in (
        Entry.objects.filter(call=entry.call).exclude(pk=entry.pk).exclude(phash="").values_list("pk", "phash")
    ):
        if hash_distance(entry.phash, other_hash) <= SIMILAR_BITS:
            entry.similar_to_id = other_pk
            break
    entry.save()
    return entry


# --- judges and scores -------------------------------------------------------------------------------------


def judge_assign(*, call: Call, stage: str, user: Any, actor: Actor) -> Judge:
    if not policies.can_assign_judges(actor, call):
        raise PermissionDenied(_("You do not have permission to do this."))
    if stage not in Judge.Stage.values:
        raise ValidationError({"stage": [_("Choose a stage.")]})
    if call.is_nomination:
        raise Conflict(_("Nominations are decided by the station review and the public vote, not by judges."))
    try:
        with transaction.atomic():
            judge = Judge.objects.create(call=call, stage=stage, user=user)
            audit_record(action="contests.judge.assign", actor=actor, unit=call.organiser, obj=judge)
    except IntegrityError as exc:
        raise Conflict(_("This person is already a judge of this stage.")) from exc
    return judge


def judge_declare(*, judge: Judge, actor: Actor, conflicts: str) -> Judge:
    """The conflict-of-interest declaration a judge signs before seeing entries."""
    if judge.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        judge.conflicts = "\n".join(line.strip()[:100] for line in (conflicts or "").splitlines() if line.strip())
        judge.declared_at = timezone.now()
        judge.save(update_fields=["conflicts", "declared_at"])
        audit_record(action="contests.judge.declare", actor=actor, unit=judge.call.organiser, obj=judge)
    return judge


def judge_recuse(*, judge: Judge, entry: Entry, actor: Actor, reason: str) -> Recusal:
    """A judge stands aside from one entry; the call's managers may also stand a judge aside."""
    if judge.user_id != getattr(actor, "pk", None) and not policies.can_manage_call(actor, judge.call):
        raise PermissionDenied(_("You do not have permission to do this."))
    if entry.call_id != judge.call_id:
        raise PermissionDenied(_("You do not have permission to do this."))
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValidationError({"reason": [_("Please give a reason.")]})
    if judge.scores.filter(entry=entry).exists():
        raise Conflict(_("You have already scored this entry."))
    try:
        with transaction.atomic():
            recusal = Recusal.objects.create(judge=judge, entry=entry, reason=reason)
            audit_record(action="contests.judge.recuse", actor=actor, unit=judge.call.organiser, obj=recusal)
    except IntegrityError as exc:
        raise Conflict(_("You have already stood aside from this entry.")) from exc
    return recusal


def score_total(call: Call, values: dict[str, Any]) -> tuple[dict[str, int], Decimal]:
    cleaned: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for crit in call.rubric:
        raw = values.get(crit["code"])
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= 100:
            errors[crit["code"]] = [_("Give a score from 0 to 100.")]
        cleaned[crit["code"]] = value
    if errors:
        raise ValidationError(errors)
    total = sum(Decimal(cleaned[c["code"]] * c["weight"]) for c in call.rubric) / Decimal(100)
    return cleaned, total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_submit(*, entry: Entry, actor: Actor, values: dict[str, Any], comment: str = "") -> Score:
    """One score per judge per entry per stage (a unique constraint; a second try is a 409)."""
    if not policies.can_judge_entry(actor, entry):
        raise PermissionDenied(_("You do not have permission to do this."))
    stage = policies.STAGE_OF_STATE[entry.status]
    judge = policies.judge_of(actor, entry.call, stage)
    assert judge is not None
    cleaned, total = score_total(entry.call, values)
    try:
        with transaction.atomic():
            score = Score.objects.create(
                entry=entry, judge=judge, stage=stage, values=cleaned, total=total, comment=(comment or "")[:2000]
            )
            audit_record(action="contests.score.submit", actor=actor, unit=entry.call.organiser, obj=score)
    except IntegrityError as exc:
        raise Conflict(_("You have already scored this entry in this round.")) from exc
    return score


def trimmed_mean(totals: list[Decimal]) -> Decimal | None:
    """With three or more scores the highest and the lowest are dropped; with fewer, the plain mean."""
    if not totals:
        return None
    ordered = sorted(totals)
    kept = ordered[1:-1] if len(ordered) >= 3 else ordered
    return (Decimal(sum(kept)) / len(kept)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ranking(call: Call, stage: str, entries: Any) -> list[dict[str, Any]]:
    """Entries ranked by the trimmed mean of the stage's scores. Ties: the higher plain mean of all scores wins,
    then the higher median, then the earlier submission (the receipt number's order). Unscored entries last."""
    by_entry: dict[int, list[Decimal]] = {}
    for entry_id, total in Score.objects.filter(entry__in=entries, stage=stage).values_list("entry_id", "total"):
        by_entry.setdefault(entry_id, []).append(total)
    rows = []
    for entry in entries:
        totals = by_entry.get(entry.pk, [])
        rows.append(
            {
                "entry": entry,
                "n": len(totals),
                "score": trimmed_mean(totals),
                "mean": (sum(totals) / len(totals)) if totals else None,
                "median": statistics.median(totals) if totals else None,
            }
        )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(
        key=lambda r: (
            r["score"] is None,
            -(r["score"] or 0),
            -(r["mean"] or 0),
            -(r["median"] or 0),
            r["entry"].submitted_at or far,
            r["entry"].pk,
        )
    )
    return rows


def vote_ranking(call: Call, entries: Any) -> list[dict[str, Any]]:
    """Nominations ranked by counted (not discounted) 点赞; ties: the earlier nomination wins."""
    from django.db.models import Count, Q

    annotated = entries.annotate(n=Count("votes", filter=Q(votes__discounted=False)))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows = [{"entry": e, "n": e.n, "score": Decimal(e.n), "mean": None, "median": None} for e in annotated]
    rows.sort(key=lambda r: (-r["n"], r["entry"].submitted_at or far, r["entry"].pk))
    return rows


def _candidates(call: Call) -> tuple[str, Any]:
    entries = call.entries.all()
    if call.is_nomination:
        return "votes", entries.filter(status="eligible")
    if entries.filter(status="second_round").exists():
        return "second", entries.filter(status="second_round")
    if entries.filter(status="first_round").exists():
        return "first", entries.filter(status="first_round")
    return "none", entries.filter(status="eligible")


def results_preview(call: Call) -> list[dict[str, Any]]:
    stage, entries = _candidates(call)
    if stage == "votes":
        return vote_ranking(call, entries)
    return ranking(call, stage, list(entries)) if stage != "none" else []


def results_apply(*, call: Call, actor: Actor, request: Any = None) -> None:
    """Inside the call's `announce` step: rank, give awards by the call's plan, move every candidate."""
    from civicloop.contests.workflow import ENTRY

    rows = results_preview(call)
    plan = [code for code in AWARD_ORDER for _n in range(int(call.award_plan.get(code, 0)))]
    for place, row in enumerate(rows, start=1):
        entry = row["entry"]
        award = plan[place - 1] if place <= len(plan) and row["score"] is not None else ""
        if call.is_nomination and row["n"] == 0:
            award = ""
        Entry.objects.filter(pk=entry.pk).update(score=row["score"], rank=place, award=award)
        entry.score, entry.rank, entry.award = row["score"], place, award
        ENTRY.apply("shortlist" if award else "pass_over", entry, actor=actor, request=request, skip_actor_check=True)
    # entries left behind in earlier rounds did not make it
    for entry in call.entries.filter(status__in=["eligible", "first_round"]):
        ENTRY.apply("pass_over", entry, actor=actor, request=request, skip_actor_check=True)


def results_publish(*, call: Call, actor: Actor, request: Any = None) -> None:
    """Inside the call's `publish_results` step: every entry on notice is awarded and gets a certificate code."""
    from civicloop.contests.workflow import ENTRY

    for entry in call.entries.filter(status="publicity"):
        code = secrets.token_hex(6).upper()
        Entry.objects.filter(pk=entry.pk).update(certificate_code=code)
        entry.certificate_code = code
        ENTRY.apply("award", entry, actor=actor, request=request, skip_actor_check=True)


def round_advance(*, call: Call, actor: Actor, stage: str, top: int | None = None, request: Any = None) -> int:
    """Move entries on: every eligible entry to the first round, or the best `top` of the first round to the
    second (the others stay in the first round and are passed over when the results are announced)."""
    from civicloop.contests.workflow import ENTRY

    if not policies.can_manage_call(actor, call):
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        if stage == "first":
            chosen = list(call.entries.filter(status="eligible"))
        elif stage == "second":
            if not top or top < 1:
                raise ValidationError({"top": [_("Say how many entries go on to the second round.")]})
            rows = [r for r in ranking(call, "first", list(call.entries.filter(status="first_round"))) if r["n"]]
            chosen = [r["entry"] for r in rows[:top]]
        else:
            raise ValidationError({"stage": [_("Choose a stage.")]})
        if not chosen:
            raise Conflict(_("There are no entries to move on."))
        step = "first_round" if stage == "first" else "second_round"
        for entry in chosen:
            ENTRY.apply(step, entry, actor=actor, request=request)
    return len(chosen)


# --- publicity: objections and the units' award ------------------------------------------------------------


def objection_raise(*, entry: Entry, actor: Actor, text: str) -> Objection:
    if not policies.can_object(actor, entry) or entry.call.status != "publicity":
        raise Conflict(_("Objections are taken only while the results are on public notice."))
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationError({"text": [_("Say what is wrong in a few words.")]})
    with transaction.atomic():
        objection = Objection.objects.create(entry=entry, raised_by=actor, text=text[:4000])
        audit_record(action="contests.objection.raise", actor=actor, unit=entry.call.organiser, obj=objection)
        from django.utils.translation import gettext_noop

        from civicloop.core.msg import Msg
        from civicloop.notify.services import notify_queue

        managers = list((entry.call.created_by and [entry.call.created_by]) or [])
        if managers:
            notify_queue(
                recipients=managers, kind="contest_objection", title=Msg(gettext_noop("An objection to “%(title)s”"), title=entry.title),
                body=text[:200], url=f"/contests/c/{entry.call_id}/manage/",
            )
    return objection


def objection_answer(*, objection: Objection, actor: Actor, answer: str, upheld: bool, request: Any = None) -> Objection:
    """Answer an objection; an upheld one withdraws the entry's award (the entry's `disqualify` step)."""
    from civicloop.contests.workflow import ENTRY

    entry = objection.entry
    if not policies.can_manage_call(actor, entry.call):
        raise PermissionDenied(_("You do not have permission to do this."))
    if objection.answered_at is not None:
        raise Conflict(_("This objection has been answered."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("Write the answer.")]})
    with transaction.atomic():
        updated = Objection.objects.filter(pk=objection.pk, answered_at__isnull=True).update(
            answer=answer[:4000], upheld=upheld, answered_at=timezone.now()
        )
        if updated != 1:
            raise Conflict(_("This objection has been answered."))
        if upheld and entry.status == "publicity":
            ENTRY.apply("disqualify", entry, actor=actor, data={"note": answer[:500]}, request=request)
        audit_record(action="contests.objection.answer", actor=actor, unit=entry.call.organiser, obj=objection,
                     detail="upheld" if upheld else "dismissed")
    objection.refresh_from_db()
    return objection


def unit_award_grant(*, call: Call, actor: Actor, organisation: str, reason: str = "") -> UnitAward:
    """优秀组织奖 for a unit that organised entries."""
    if not policies.can_manage_call(actor, call):
        raise PermissionDenied(_("You do not have permission to do this."))
    if call.status not in ("publicity", "published", "reviewing", "voting"):
        raise Conflict(_("Organisation awards are given with the results."))
    organisation = (organisation or "").strip()[:100]
    if not organisation:
        raise ValidationError({"organisation": [_("Name the unit.")]})
    try:
        with transaction.atomic():
            award = UnitAward.objects.create(call=call, organisation=organisation, reason=reason[:200], created_by=actor)
            audit_record(action="contests.unit_award", actor=actor, unit=call.organiser, obj=award)
    except IntegrityError as exc:
        raise Conflict(_("This unit already has the award.")) from exc
    return award


# --- votes (点赞) ------------------------------------------------------------------------------------------


def vote_cast(*, entry: Entry, voter: Any, ip: str | None = None, device: str = "") -> Vote:
    """One 点赞. Rules, in the order they are checked: the call is in its voting period and the candidate is on
    the list; at most `ip_votes_per_hour` votes from one IP address or one device per hour; one vote per person
    per candidate per day (unique constraint); at most `votes_per_day` votes per person per call per day (a
    conditional update on the person's tally row, so simultaneous votes cannot pass the cap)."""
    if not getattr(voter, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to vote."))
    entry = Entry.objects.select_related("call").get(pk=entry.pk)  # the stored state, not a stale copy
    call = entry.call
    now = timezone.now()
    if call.status != "voting" or entry.status != "eligible":
        raise Conflict(_("Voting is closed."))
    day = timezone.localdate(now)
    hour_ago = now - dt.timedelta(hours=1)
    try:
        with transaction.atomic():
            recent = Vote.objects.filter(call=call, created_at__gte=hour_ago)
            if ip and recent.filter(ip=ip).count() >= call.ip_votes_per_hour:
                raise ValidationError(_("Too many votes from this network in the last hour. Please try later."))
            if device and recent.filter(device=device).count() >= call.ip_votes_per_hour:
                raise ValidationError(_("Too many votes from this device in the last hour. Please try later."))
            if Vote.objects.filter(entry=entry, voter=voter, day=day).exists():
                raise Conflict(_("You have already liked this one today."))
            VoteTally.objects.bulk_create([VoteTally(call=call, voter=voter, day=day)], ignore_conflicts=True)
            room = VoteTally.objects.filter(call=call, voter=voter, day=day, count__lt=call.votes_per_day).update(
                count=F("count") + 1
            )
            if room != 1:
                raise Conflict(
                    _("You have used today's %(n)s votes in this call. Come back tomorrow.") % {"n": call.votes_per_day}
                )
            vote = Vote.objects.create(call=call, entry=entry, voter=voter, day=day, ip=ip or None, device=device[:64])
    except IntegrityError as exc:
        raise Conflict(_("You have already liked this one today.")) from exc
    return vote


def votes_discount(
    *, call: Call, actor: Actor, reason: str, start: dt.datetime, end: dt.datetime, ip: str = "", device: str = ""
) -> int:
    """Discount a suspicious burst (votes from one IP or device in a time window); audited with the count."""
    if not policies.can_discount_votes(actor, call):
        raise PermissionDenied(_("You do not have permission to do this."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Please give a reason.")]})
    if not ip and not device:
        raise ValidationError({"ip": [_("Name the IP address or the device of the burst.")]})
    if ip:
        from django.core.validators import validate_ipv46_address

        try:
            validate_ipv46_address(ip)
        except ValidationError as exc:
            raise ValidationError({"ip": exc.messages}) from exc
    if end <= start:
        raise ValidationError({"end": [_("The end must come after the start.")]})
    if call.status not in ("voting", "reviewing"):
        raise Conflict(_("Votes can only be discounted before the results are announced."))
    with transaction.atomic():
        qs = Vote.objects.filter(call=call, discounted=False, created_at__gte=start, created_at__lt=end)
        qs = qs.filter(ip=ip) if ip else qs.filter(device=device)
        count = qs.update(discounted=True, discount_reason=reason[:200])
        audit_record(
            action="contests.votes.discount", actor=actor, unit=call.organiser, obj=call,
            detail=f"{count} votes: {reason[:150]}",
        )
    return count


def staff_only(user: Any) -> None:
    if not access.is_staff(user):
        raise PermissionDenied(_("You do not have permission to do this."))


def mail_item_handle(*, item: Any, actor: Actor) -> Any:
    """A person has dealt with a queued e-mail (entered it on the paper form, completed its draft, or set it aside)."""
    if not policies.can_handle_mail(actor, item):
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        from civicloop.contests.models import MailItem

        if MailItem.objects.filter(pk=item.pk, handled_at__isnull=True).update(handled_at=timezone.now()) != 1:
            raise Conflict(_("Someone else dealt with this message just now."))
        audit_record(action="contests.mail.handle", actor=actor, obj=item)
    return item


def calls_close_due() -> int:
    """Periodic job (for settings.PERIODIC_JOBS): close the open calls whose closing time has passed, as the
    platform (the call's `close` step is a system step). Entries are refused after the close by the time check
    anyway; this moves the call's state so its pages and queues follow."""
    from civicloop.contests.workflow import CALL

    closed = 0
    for call in Call.objects.filter(status="open", closes_at__lte=timezone.now()).order_by("pk")[:500]:
        try:
            CALL.run("close", call, actor=None)
        except Conflict:  # someone closed it just now
            continue
        closed += 1
    return closed
