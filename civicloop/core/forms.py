"""Form fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# Row ids are 64-bit on SQLite and PostgreSQL; a larger number fails inside the database driver (a 500), so forms
# and API schemas (`civicloop.core.schemas`) refuse it first. Here, not in the schemas, so that a worker that
# serves no API request never loads django-ninja and pydantic.
MAX_ID = 2**63 - 1


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, but an id too large for the database is an invalid choice.

    Django checks each value with a lazy `filter(pk=value)` (which never fails for a big number) and then runs
    `filter(pk__in=values)`, where a number beyond 64 bits fails inside the database driver: a 500.
    """

    def _check_values(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple | set | frozenset) else ():
            try:
                number = int(str(item).strip())
            except ValueError:
                continue  # Django answers "not a valid value" for these itself
            if not -MAX_ID <= number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


def parse_id(raw: Any) -> int | None:
    """A row id typed into a form field or a query parameter, or None when it is not one: "abc", "²" (a digit
    to `isdigit()` but not to `int()`), a 5000-digit number (`int()` refuses it) or one beyond 64 bits."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def posted_id(data: Any, name: str) -> int | None:
    """The row id in a submitted field (a button's value, a hidden input), or None — so a lookup by it finds
    nothing (404) instead of failing with a 500."""
    return parse_id(data.get(name))


def error_text(exc: ValidationError) -> str:
    """A service's ValidationError as one line for a page message."""
    return "；".join(str(m) for m in exc.messages)


def page_of(request: Any, items: Any, size: int) -> Any:
    """The `?page=` page of a list (Django clamps bad or out-of-range numbers to a valid page)."""
    from django.core.paginator import Paginator

    return Paginator(items, size).get_page(request.GET.get("page"))


def valid_or_400(form: Any) -> dict[str, Any]:
    """An API twin validates its JSON with the page's own form, so both give the same messages; invalid input
    is a ValidationError carrying the field messages (400 with `errors` in the API)."""
    from civicloop.core.workflow import form_errors

    if not form.is_valid():
        raise form_errors(form)
    return dict(form.cleaned_data)


def form_data(payload: dict[str, Any]) -> Any:
    """A JSON body in the shape a page form reads (a QueryDict): lists for multiple choices, dates as ISO text,
    and None or False left out as an empty field or an unchecked box would be."""
    import datetime as dt

    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in payload.items():
        if value is None or value is False:
            continue
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return data
