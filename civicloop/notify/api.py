"""Notify API (/api/notify/): the signed-in user's inbox and unread count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from civicloop.core.pagination import Pages
from civicloop.core.schemas import Id
from civicloop.notify.selectors import inbox_items, unread_count
from civicloop.notify.services import inbox_mark_read

router = Router(tags=["notify"])


class InboxOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    # In the caller's language, from the stored message code (issue #13).
    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.shown_title)

    @staticmethod
    def resolve_body(obj: Any) -> str:
        return str(obj.shown_body)


class UnreadOut(Schema):
    unread: int


class ReadIn(Schema):
    ids: list[Id] | None = None


@router.get("/inbox", response=list[InboxOut])
@paginate(Pages, page_size=20)
def inbox(request: HttpRequest) -> Any:
    return inbox_items(request.user)


@router.get("/unread", response=UnreadOut)
def unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": unread_count(request.user)}


@router.post("/read", response=UnreadOut)
def mark_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    items = inbox_items(request.user).filter(pk__in=payload.ids) if payload.ids is not None else None
    inbox_mark_read(user=request.user, items=items)
    return {"unread": unread_count(request.user)}
