"""Links this app adds to the navigation (core.registry.NavLink): the inbox, with its unread count."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civicloop.core.registry import NavLink
from civicloop.notify.selectors import unread_count


def _unread(request: HttpRequest) -> int:
    return unread_count(request.user)


LINKS = (NavLink(url="notify:inbox", label=_("Messages"), tab="inbox", badge=_unread),)
