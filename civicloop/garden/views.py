"""Learning garden pages: the gardens, study posts with the message area, moderation, sensitive words."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import error_text, page_of, posted_id
from civicloop.garden import policies as policy
from civicloop.garden import selectors, services
from civicloop.garden.forms import CommentForm, HideForm, ModerationForm, PostForm, WordForm
from civicloop.garden.models import Comment, Garden, GardenPost, SensitiveWord
from civicloop.network.models import Unit

PER_PAGE = 20


@login_required
def garden_list(request: HttpRequest) -> HttpResponse:
    gardens = selectors.gardens_with_counts(policy.visible_gardens(request.user)).order_by("unit_path")
    staff_roots = access.staff_units(request.user)
    root = staff_roots[0] if staff_roots else None
    return render(
        request,
        "garden/garden_list.html",
        {
            "page": page_of(request, gardens, PER_PAGE),
            "total": selectors.participation(root.path if root else ""),
            "can_words": policy.can_edit_sensitive_words(request.user),
            "is_staff": bool(staff_roots),
        },
    )


@login_required
def garden_detail(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=unit_pk)
    garden = policy.visible_gardens(request.user).filter(unit=unit).first()
    # A unit without a garden yet is shown only to its staff, who can start it with a first post.
    access.require(
        request,
        garden is not None or policy.can_publish_post(request.user, unit),
        action="garden_view",
        obj=unit,
    )
    moderator = garden is not None and policy.can_moderate_garden(request.user, garden)
    posts = (
        GardenPost.objects.none()
        if garden is None
        else policy.visible_posts(request.user).filter(garden=garden)
    )
    return render(
        request,
        "garden/garden_detail.html",
        {
            "unit": unit,
            "garden": garden,
            "page": page_of(request, posts.order_by("-published_at", "-id"), PER_PAGE),
            "counts": selectors.participation(unit.path),
            "can_publish": policy.can_publish_post(request.user, unit),
            "moderator": moderator,
            "moderation_form": ModerationForm(initial={"moderation": garden.moderation}) if garden else None,
        },
    )


@login_required
@require_POST
def garden_moderation(request: HttpRequest, unit_pk: int) -> HttpResponse:
    garden = get_object_or_404(Garden.objects.select_related("unit"), unit_id=unit_pk)
    access.require(
        request, policy.can_moderate_garden(request.user, garden), action="garden_moderation", obj=garden
    )
    form = ModerationForm(request.POST)
    if form.is_valid():
        services.garden_set_moderation(
            garden=garden, moderation=form.cleaned_data["moderation"], actor=request.user
        )
        messages.success(request, _("The moderation mode is saved."))
    else:
        messages.error(request, _("Unknown moderation mode."))
    return redirect("garden:garden_detail", unit_pk)


@login_required
def post_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=unit_pk)
    access.require(request, policy.can_publish_post(request.user, unit), action="garden_post", obj=unit)
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            post = services.post_publish(
                unit=unit,
                title=d["title"],
                body=d["body"],
                links=d["links"],
                image=d["image"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The study post is published."))
            return redirect("garden:post_detail", post.pk)
    return render(request, "garden/post_form.html", {"form": form, "unit": unit})


def _post_for(request: HttpRequest, pk: int, action: str) -> GardenPost:
    post = get_object_or_404(GardenPost.objects.select_related("garden__unit"), pk=pk)
    access.require(request, policy.can_view_post(request.user, post), action=action, obj=post)
    return post


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk, "garden_post_view")
    moderator = policy.can_moderate_garden(request.user, post.garden)
    form = CommentForm()
    if request.method == "POST":
        access.require(request, policy.can_comment(request.user, post), action="garden_comment", obj=post)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                comment = services.comment_post(
                    post=post, author=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                form.add_error("body", error_text(exc))
            else:
                if comment.status == Comment.Status.HELD:
                    messages.warning(
                        request, _("Thank you. Your message will appear after a staff member reviews it.")
                    )
                else:
                    messages.success(request, _("Your message is posted."))
                return redirect("garden:post_detail", post.pk)
    comments = selectors.comments_for(post, user=request.user, moderator=moderator)
    return render(
        request,
        "garden/post_detail.html",
        {
            "post": post,
            "page": page_of(request, comments, PER_PAGE),
            "form": form,
            "moderator": moderator,
            "hide_form": HideForm(),
            "visible_count": post.comments.filter(status=Comment.Status.VISIBLE).count(),
        },
    )


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="garden_moderation_queue")
    status = request.GET.get("status", Comment.Status.HELD)
    # each row shows its moderation timeline: the events of a page come in two queries
    qs = (
        policy.moderation_queue(request.user)
        .select_related("author", "post", "post__garden__unit")
        .prefetch_related("events__actor", "events__unit")
    )
    if status in Comment.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "garden/moderation.html",
        {
            "page": page_of(request, qs.order_by("-created_at", "-id"), PER_PAGE),
            "status": status,
            "statuses": Comment.Status.choices,
            "hide_form": HideForm(),
        },
    )


@login_required
@require_POST
def comment_moderate(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    access.require(
        request,
        policy.can_moderate_comment(request.user, comment),
        action=f"garden_comment_{verb}",
        obj=comment,
    )
    try:
        if verb == "approve":
            services.comment_approve(comment=comment, actor=request.user)
            messages.success(request, _("The message is now visible."))
        elif verb == "hide":
            services.comment_hide(comment=comment, reason=request.POST.get("reason", ""), actor=request.user)
            messages.success(request, _("The message is hidden."))
        elif verb == "restore":
            services.comment_restore(comment=comment, actor=request.user)
            messages.success(request, _("The message is restored."))
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    nxt = request.POST.get("next", "")
    if nxt.startswith("/garden/"):
        return redirect(nxt)
    return redirect("garden:post_detail", comment.post_id)


@login_required
def words(request: HttpRequest) -> HttpResponse:
    access.require(request, policy.can_edit_sensitive_words(request.user), action="sensitive_words")
    form = WordForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("remove"):
            word = get_object_or_404(SensitiveWord, pk=posted_id(request.POST, "remove"))
            services.sensitive_word_remove(word=word, actor=request.user)
            messages.success(request, _("The word is removed."))
            return redirect("garden:words")
        if form.is_valid():
            try:
                services.sensitive_word_add(word=form.cleaned_data["word"], actor=request.user)
            except ValidationError as exc:
                form.add_error("word", error_text(exc))
            else:
                messages.success(request, _("The word is added."))
                return redirect("garden:words")
    return render(
        request,
        "garden/words.html",
        {
            "form": form,
            "page": page_of(request, SensitiveWord.objects.order_by("word"), PER_PAGE),
            "defaults": selectors.default_words(),
        },
    )
