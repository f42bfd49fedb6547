"""Shared pieces of API input schemas."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

from civicloop.core.forms import MAX_ID

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    """Every error answer: a translated message, and for input errors the messages per field."""

    detail: str
    errors: dict[str, list[str]] | None = None


class StepOut(Schema):
    """The answer of a workflow step: the object's state after the move."""

    id: int
    status: str
    status_label: str
    version: int


class ReasonIn(Schema):
    """A step that needs a reason (reject, cancel, reverse...)."""

    reason: str


class DecideIn(Schema):
    """Approve (true) or refuse (false)."""

    approve: bool
