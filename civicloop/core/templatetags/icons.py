"""`{% icon "home" %}`: a Heroicons outline icon (npm package `heroicons`, served as vendor/heroicons) inlined,
so it takes the text colour and needs no request. Decorative: hidden from screen readers."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@lru_cache(maxsize=64)
def _svg(name: str) -> str:
    path = finders.find(f"vendor/heroicons/{name}.svg")
    if not path or isinstance(path, list):
        raise template.TemplateSyntaxError(f"no icon {name!r} in vendor/heroicons")
    with open(path, encoding="utf-8") as f:
        svg = f.read().strip()
    return svg.replace("<svg ", '<svg class="icon" focusable="false" ', 1)


@register.simple_tag
def icon(name: str) -> SafeString:
    return mark_safe(_svg(name))  # a file of the icon package, never user input
