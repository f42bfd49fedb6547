"""Domain errors that pages and the API turn into clear, translated answers."""

from __future__ import annotations


class Conflict(Exception):
    """The action does not fit the object's current state (HTTP 409), e.g. claiming an order already taken."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
