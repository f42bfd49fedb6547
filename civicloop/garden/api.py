"""Learning garden API: posts, messages, and moderation. Scoped and paginated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from civicloop import access
from civicloop.core.forms import valid_or_400
from civicloop.core.pagination import Pages
from civicloop.core.schemas import MAX_ID, ErrorOut, Id
from civicloop.garden import policies as policy
from civicloop.garden import selectors, services
from civicloop.garden.forms import ModerationForm, PostForm, WordForm
from civicloop.garden.models import Comment, Garden, GardenPost, SensitiveWord
from civicloop.network.models import Unit

router = Router(tags=["garden"])


class PostOut(Schema):
    id: int
    unit_id: int
    title: str
    body: str
    links: list[dict[str, str]]
    published_at: dt.datetime


class CommentOut(Schema):
    id: int
    author: str
    body: str
    status: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return obj["author"] if isinstance(obj, dict) else obj.author.display_name


class CommentIn(Schema):
    body: str


class HideIn(Schema):
    reason: str


def _comment(c: Comment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "author": c.author.display_name,
        "body": c.body,
        "status": c.status,
        "created_at": c.created_at,
    }


@router.get("/posts", response=list[PostOut])
@paginate(Pages, page_size=20)
def list_posts(request: HttpRequest, unit_id: int | None = Query(None, ge=1, le=MAX_ID)) -> Any:
    qs = (
        policy.visible_posts(request.user)
        .annotate(unit_id=F("garden__unit_id"))
        .order_by("-published_at", "-id")
    )
    return qs.filter(garden__unit_id=unit_id) if unit_id else qs


@router.get("/posts/{post_id}/comments", response=list[CommentOut])
@paginate(Pages, page_size=50)
def list_comments(request: HttpRequest, post_id: int) -> Any:
    post = get_object_or_404(GardenPost.objects.select_related("garden"), pk=post_id)
    access.require(request, policy.can_view_post(request.user, post), action="garden_post_view", obj=post)
    moderator = policy.can_moderate_garden(request.user, post.garden)
    return selectors.comments_for(post, user=request.user, moderator=moderator)


@router.post("/posts/{post_id}/comments", response={201: CommentOut})
def add_comment(request: HttpRequest, post_id: int, payload: CommentIn) -> Any:
    post = get_object_or_404(GardenPost.objects.select_related("garden__unit"), pk=post_id)
    access.require(request, policy.can_comment(request.user, post), action="garden_comment", obj=post)
    return Status(201, _comment(services.comment_post(post=post, author=request.user, body=payload.body)))


def _moderated(request: HttpRequest, comment_id: int, verb: str) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=comment_id)
    access.require(
        request,
        policy.can_moderate_comment(request.user, comment),
        action=f"garden_comment_{verb}",
        obj=comment,
    )
    return comment


@router.post("/comments/{comment_id}/approve", response=CommentOut)
def approve_comment(request: HttpRequest, comment_id: int) -> Any:
    comment = _moderated(request, comment_id, "approve")
    return _comment(services.comment_approve(comment=comment, actor=request.user))


@router.post("/comments/{comment_id}/hide", response=CommentOut)
def hide_comment(request: HttpRequest, comment_id: int, payload: HideIn) -> Any:
    comment = _moderated(request, comment_id, "hide")
    return _comment(services.comment_hide(comment=comment, reason=payload.reason, actor=request.user))


@router.post("/comments/{comment_id}/restore", response=CommentOut)
def restore_comment(request: HttpRequest, comment_id: int) -> Any:
    comment = _moderated(request, comment_id, "restore")
    return _comment(services.comment_restore(comment=comment, actor=request.user))


# --- the twins of the moderators' pages ----------------------------------------------------------------------

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class PostIn(Schema):
    """As on the page; `links` is one link a line, "title | https://…". Images are uploaded on the page."""

    title: str
    body: str
    links: str = ""


class ModerationIn(Schema):
    moderation: str


class GardenOut(Schema):
    unit_id: int
    moderation: str


class WordIn(Schema):
    word: str


class WordOut(Schema):
    id: int
    word: str


@router.post(
    "/units/{unit_id}/posts", response={201: PostOut, **ERRORS}, summary="发布学习资料 · Publish a study post"
)
def publish_post(request: HttpRequest, unit_id: Id, payload: PostIn) -> Any:
    unit = get_object_or_404(Unit, pk=unit_id)
    access.require(request, policy.can_publish_post(request.user, unit), action="garden_post", obj=unit)
    d = valid_or_400(PostForm(payload.dict()))
    post = services.post_publish(unit=unit, actor=request.user, **d)
    post.unit_id = unit.pk  # the list annotates it from the garden
    return Status(201, post)


@router.put(
    "/units/{unit_id}/moderation",
    response={200: GardenOut, **ERRORS},
    summary="留言审核方式 · Pre- or post-moderation of a garden",
)
def set_moderation(request: HttpRequest, unit_id: Id, payload: ModerationIn) -> Any:
    garden = get_object_or_404(Garden.objects.select_related("unit"), unit_id=unit_id)
    access.require(
        request, policy.can_moderate_garden(request.user, garden), action="garden_moderation", obj=garden
    )
    d = valid_or_400(ModerationForm(payload.dict()))
    services.garden_set_moderation(garden=garden, moderation=d["moderation"], actor=request.user)
    garden.refresh_from_db()
    return garden


@router.get("/words", response={200: list[WordOut], **ERRORS}, summary="敏感词 · The sensitive-word list")
@paginate(Pages, page_size=100)
def list_words(request: HttpRequest) -> Any:
    access.require(request, policy.can_edit_sensitive_words(request.user), action="sensitive_words")
    return SensitiveWord.objects.order_by("word")


@router.post("/words", response={201: WordOut, **ERRORS}, summary="添加敏感词 · Add a sensitive word")
def add_word(request: HttpRequest, payload: WordIn) -> Any:
    access.require(request, policy.can_edit_sensitive_words(request.user), action="sensitive_words")
    d = valid_or_400(WordForm(payload.dict()))
    return Status(201, services.sensitive_word_add(word=d["word"], actor=request.user))


@router.delete("/words/{word_id}", response={204: None, **ERRORS}, summary="删除敏感词 · Remove a word")
def remove_word(request: HttpRequest, word_id: Id) -> Any:
    access.require(request, policy.can_edit_sensitive_words(request.user), action="sensitive_words")
    word = get_object_or_404(SensitiveWord, pk=word_id)
    services.sensitive_word_remove(word=word, actor=request.user)
    return Status(204, None)
