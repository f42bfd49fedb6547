"""Messages stored as a code plus parameters and rendered in the reader's language (issue #13).

A text written into the database during a request must not depend on the language of the person who caused it
(an English-speaking clerk's click would leave an English message in a Chinese resident's inbox). So a service
hands over `Msg(gettext_noop("Order %(n)s is closed"), n=order.number)`: the English msgid is the code (the
catalogues already translate it; `gettext_noop` lets makemessages find it), the parameters are plain data, and
`render()` translates it in whatever language is active when it is read — the inbox page, the API, an e-mail in
the recipient's language. A parameter may itself be a `Msg` (a state label, say), rendered in the same language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise


class Msg:
    __slots__ = ("code", "params")

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = str(code)
        self.params: dict[str, Any] = {k: _plain(v) for k, v in params.items()}

    def render(self, language: str | None = None) -> str:
        """The text in `language` (default: the active one). A catalogue entry that no longer fits its stored
        parameters falls back to the English code, never an error on the reader's page."""
        if language is not None:
            with translation.override(language):
                return self.render()
        values = {k: v.render() if isinstance(v, Msg) else v for k, v in self.params.items()}
        text = _translate(self.code)
        if not values:
            return text
        try:
            return text % values
        except (KeyError, TypeError, ValueError):
            try:
                return self.code.rpartition(CONTEXT)[2] % values
            except (KeyError, TypeError, ValueError):
                return self.code.rpartition(CONTEXT)[2]

    def stored(self) -> str:
        """The text in the platform's language, for columns that keep a readable copy (admin, search, SMS)."""
        return self.render(settings.LANGUAGE_CODE)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Msg({self.code!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash(self.code)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": {k: _json(v) for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Msg:
        params = {k: _from_json(v) for k, v in (data.get("params") or {}).items()}
        return cls(str(data.get("code") or ""), **params)


CONTEXT = "\x04"  # gettext's own separator of a context and its msgid (what pgettext looks up)


def _translate(code: str) -> str:
    if not code:
        return ""
    if CONTEXT in code:
        context, _sep, msgid = code.partition(CONTEXT)
        return translation.pgettext(context, msgid)
    return translation.gettext(code)


def from_lazy(value: Promise) -> Msg | str:
    """A `gettext_lazy`/`pgettext_lazy` label (a state's, a choice's) as a Msg of its msgid, so it is shown in
    the reader's language; anything else lazy is fixed in the platform's language."""
    args = getattr(value, "_args", None)  # Django's lazy proxy keeps the call's arguments
    if isinstance(args, tuple) and len(args) in (1, 2) and all(isinstance(a, str) for a in args):
        return Msg(CONTEXT.join(args))
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Msg) or value is None or isinstance(value, int | float):
        return value
    if isinstance(value, Promise):
        return from_lazy(value)
    return str(value)


def _json(value: Any) -> Any:
    return {"$msg": value.to_json()} if isinstance(value, Msg) else value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and "$msg" in value:
        return Msg.from_json(value["$msg"])
    return value


def unit_language() -> Any:
    """`with unit_language():` around texts written into rows that everyone reads (a drafted title, a timeline
    note): they are in the platform's language, not in the language of whoever clicked (issue #13)."""
    return translation.override(settings.LANGUAGE_CODE)


def render_stored(code: str, params: Mapping[str, Any] | None, fallback: str) -> str:
    """A column pair (code, params) in the active language; rows written before codes existed keep `fallback`."""
    if not code:
        return fallback
    return Msg.from_json({"code": code, "params": params or {}}).render()
