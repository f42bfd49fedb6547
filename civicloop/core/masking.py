"""How sensitive values look to people who may not see them in full (DESIGN §4)."""

from __future__ import annotations


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 7 else "****"


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "****"


def mask_name(value: str | None) -> str:
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_address(value: str | None) -> str:
    """Keep the area words, hide the house number: the first 6 characters and a marker."""
    if not value:
        return ""
    return value[:6] + "……" if len(value) > 6 else value[:2] + "……"
