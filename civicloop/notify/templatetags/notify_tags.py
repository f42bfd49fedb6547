from __future__ import annotations

from typing import Any

from django import template

from civicloop.notify.selectors import unread_count

register = template.Library()


@register.simple_tag
def inbox_unread(user: Any) -> int:
    return unread_count(user)
