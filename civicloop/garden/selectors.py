"""Reads for the learning garden: the sensitive-word list, participation counts, comment lists."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Count, Q, QuerySet

from civicloop.garden.models import Comment, Garden, SensitiveWord

DEFAULT_WORDS_FILE = Path(__file__).resolve().parent / "data" / "sensitive_words.txt"


@lru_cache(maxsize=1)
def default_words() -> tuple[str, ...]:
    lines = DEFAULT_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def sensitive_words() -> list[str]:
    return sorted(set(default_words()) | set(SensitiveWord.objects.values_list("word", flat=True)))


def find_sensitive(text: str) -> list[str]:
    """Listed words that occur in the text (case-insensitive for Latin letters)."""
    lowered = text.lower()
    return [w for w in sensitive_words() if w.lower() in lowered]


def participation(path: str) -> dict[str, int]:
    """For a unit's subtree: visible messages and the distinct people who left them (百余人次参与交流互动)."""
    row = Comment.objects.filter(unit_path__startswith=path, status=Comment.Status.VISIBLE).aggregate(
        messages=Count("id"), people=Count("author", distinct=True)
    )
    return {"messages": row["messages"] or 0, "people": row["people"] or 0}


def gardens_with_counts(qs: QuerySet[Garden]) -> QuerySet[Garden]:
    return qs.select_related("unit").annotate(
        post_count=Count("posts", distinct=True),
        message_count=Count(
            "posts__comments", filter=Q(posts__comments__status=Comment.Status.VISIBLE), distinct=True
        ),
    )


def comments_for(post: Any, *, user: Any, moderator: bool) -> QuerySet[Comment]:
    """Visible messages; a moderator also sees held and hidden ones; an author sees their own held ones."""
    qs = post.comments.select_related("author", "moderated_by")
    if moderator:
        return qs
    return qs.filter(Q(status=Comment.Status.VISIBLE) | Q(author=user, status=Comment.Status.HELD))
