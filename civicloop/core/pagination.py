"""Bounded pagination for the JSON API.

ninja's own classes accept any page, offset or limit: `?page=10**20` overflows the database's OFFSET (a 500 on
SQLite and PostgreSQL) and `?limit=10**9` returns a whole table. These answer 400 for out-of-range numbers (the
schema error handler in `civicloop.api` translates it) and never list more than `MAX_PAGE_SIZE` rows at once.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, PageNumberPagination

MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000
MAX_OFFSET = MAX_PAGE * MAX_PAGE_SIZE


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, page_size: int = 20, **kwargs: object) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)  # type: ignore[arg-type]


class LimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)  # type: ignore[arg-type]
