"""Who may read, post in and moderate the learning garden."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from civicloop import access

if TYPE_CHECKING:
    from civicloop.garden.models import Comment, Garden, GardenPost
    from civicloop.network.models import Unit
    from civicloop.people.models import User


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def visible_gardens(user: User) -> QuerySet[Garden]:
    """Study materials are open to everyone signed in (residents, volunteers, staff); nobody else."""
    from civicloop.garden.models import Garden

    return Garden.objects.all() if _signed_in(user) else Garden.objects.none()


def visible_posts(user: User) -> QuerySet[GardenPost]:
    from civicloop.garden.models import GardenPost

    return GardenPost.objects.all() if _signed_in(user) else GardenPost.objects.none()


def can_view_post(user: User, post: GardenPost) -> bool:
    return _signed_in(user)


def can_comment(user: User, post: GardenPost) -> bool:
    return _signed_in(user)


def can_publish_post(user: User, unit: Unit) -> bool:
    return access.in_scope(user, unit)


def can_moderate_garden(user: User, garden: Garden) -> bool:
    return access.path_in_scope(user, garden.unit_path)


def can_moderate_comment(user: User, comment: Comment) -> bool:
    """Staff of the garden's unit or above; residents and volunteers never moderate."""
    return access.path_in_scope(user, comment.unit_path)


def moderation_queue(user: User) -> QuerySet[Comment]:
    from civicloop.garden.models import Comment

    return Comment.objects.filter(access.scope_q(user))


def can_edit_sensitive_words(user: User) -> bool:
    return access.is_office(user)
