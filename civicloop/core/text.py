"""Chinese text helpers: pinyin initials for people search."""

from __future__ import annotations


def pinyin_initials(name: str) -> str:
    """'张三' -> 'zs'; letters and digits pass through lower-cased."""
    from pypinyin import Style, lazy_pinyin  # ~50 MB of dictionaries: loaded by the first caller only

    parts = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(p[0] for p in parts if p and p[0].isalnum()).lower()
