"""Writes for the learning garden: gardens, study posts, messages and their moderation, sensitive words."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.audit.services import audit_record
from civicloop.core.exceptions import Conflict
from civicloop.core.workflow import Actor
from civicloop.garden.models import Comment, Garden, GardenPost, SensitiveWord
from civicloop.garden.selectors import find_sensitive
from civicloop.garden.workflow import COMMENT
from civicloop.network.models import Unit

MAX_COMMENT = 500
MAX_LINKS = 10
GARDEN_LEVELS = (Unit.Level.CENTER, Unit.Level.INSTITUTE, Unit.Level.STATION)


@transaction.atomic
def garden_ensure(*, unit: Unit, moderation: str = Garden.Moderation.POST) -> Garden:
    """The unit's garden, created on first use (institutes and stations, and the centre)."""
    if unit.kind != Unit.Kind.PRACTICE or unit.level not in GARDEN_LEVELS:
        raise ValidationError(_("Learning gardens belong to practice institutes and stations."))
    garden, _created = Garden.objects.get_or_create(
        unit=unit, defaults={"unit_path": unit.path, "moderation": moderation}
    )
    return garden


@transaction.atomic
def garden_set_moderation(*, garden: Garden, moderation: str, actor: Actor) -> Garden:
    if moderation not in Garden.Moderation.values:
        raise ValidationError(_("Unknown moderation mode."))
    Garden.objects.filter(pk=garden.pk).update(moderation=moderation)
    garden.moderation = moderation
    audit_record(action="garden_moderation", actor=actor, unit=garden.unit, obj=garden, detail=moderation)
    return garden


def _clean_links(links: list[dict[str, str]] | str) -> list[dict[str, str]]:
    """Links as [{"title", "url"}]; text input is one link a line: `title | https://...` or a bare URL."""
    if isinstance(links, str):
        parsed = []
        for line in links.splitlines():
            line = line.strip()
            if not line:
                continue
            title, _sep, url = line.rpartition("|") if "|" in line else ("", "", line)
            parsed.append({"title": title.strip(), "url": url.strip()})
        links = parsed
    cleaned = []
    for link in links or []:
        url = (link.get("url") or "").strip()
        parts = urlparse(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(
                _("“%(url)s” is not a web address (it must start with http:// or https://).")
                % {"url": url[:60]}
            )
        cleaned.append({"title": (link.get("title") or "").strip()[:100] or parts.netloc, "url": url[:500]})
    if len(cleaned) > MAX_LINKS:
        raise ValidationError(_("A post can have at most 10 links."))
    return cleaned


@transaction.atomic
def post_publish(
    *,
    unit: Unit,
    title: str,
    body: str,
    actor: Actor,
    links: Any = (),
    image: Any = None,
    published_at: Any = None,
) -> GardenPost:
    garden = garden_ensure(unit=unit)
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise ValidationError(_("Enter a title."))
    if not body:
        raise ValidationError(_("Write the text of the post."))
    post = GardenPost(
        garden=garden,
        unit_path=unit.path,
        title=title[:120],
        body=body,
        links=_clean_links(links),
        author=actor,
        published_at=published_at or timezone.now(),
    )
    if image:
        post.image = image
    post.save()
    audit_record(action="garden_post", actor=actor, unit=unit, obj=post)
    return post


@transaction.atomic
def comment_post(*, post: GardenPost, author: Any, body: str) -> Comment:
    """Leave a message. A listed sensitive word, or a garden on pre-moderation, holds it for review."""
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write your message first."))
    if len(body) > MAX_COMMENT:
        raise ValidationError(_("A message can be at most 500 characters."))
    words = find_sensitive(body)
    if words:
        status, reason = (
            Comment.Status.HELD,
            _("Contains a listed word: %(words)s") % {"words": "、".join(words)},
        )
    elif post.garden.moderation == Garden.Moderation.PRE:
        status, reason = Comment.Status.HELD, _("This garden approves messages before showing them.")
    else:
        status, reason = Comment.Status.VISIBLE, ""
    comment = Comment.objects.create(
        post=post, unit_path=post.unit_path, author=author, body=body, status=status, held_reason=reason
    )
    COMMENT.begin(comment, actor=author)
    return comment


def _moderate(comment: Comment, step: str, *, actor: Actor, reason: str = "") -> Comment:
    if comment.status not in COMMENT.steps[step].sources:
        raise Conflict(_("This message has already been handled; reload the page."))
    COMMENT.apply(step, comment, actor=actor, cleaned={}, note=reason)
    return comment


@transaction.atomic
def comment_approve(*, comment: Comment, actor: Actor) -> Comment:
    return _moderate(comment, "approve", actor=actor)


@transaction.atomic
def comment_hide(*, comment: Comment, reason: str, actor: Actor) -> Comment:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for hiding the message."))
    return _moderate(comment, "hide", actor=actor, reason=reason[:200])


@transaction.atomic
def comment_restore(*, comment: Comment, actor: Actor) -> Comment:
    return _moderate(comment, "restore", actor=actor)


@transaction.atomic
def sensitive_word_add(*, word: str, actor: Actor) -> SensitiveWord:
    word = (word or "").strip()
    if not word or len(word) > 50:
        raise ValidationError(_("Enter a word of 1 to 50 characters."))
    try:
        with transaction.atomic():
            row = SensitiveWord.objects.create(word=word, created_by=actor)
    except IntegrityError:
        raise ValidationError(_("This word is already on the list.")) from None
    audit_record(action="sensitive_word_add", actor=actor, obj=row, detail=word)
    return row


@transaction.atomic
def sensitive_word_remove(*, word: SensitiveWord, actor: Actor) -> None:
    audit_record(action="sensitive_word_remove", actor=actor, obj=word, detail=word.word)
    word.delete()
