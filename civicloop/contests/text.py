"""Counting 字 and checking photo captions.

How an essay is counted (the rule the entry form states): each CJK character (汉字, including extension blocks)
counts 1; each CJK or full-width punctuation mark (，。、；：？！“”‘’（）《》【】…— and the full-width forms)
counts 1, as newspapers count a manuscript grid (稿纸) where punctuation takes a square; each run of Latin letters
and/or digits ("COVID", "2021", "5G") counts 1, as a word would; spaces, line breaks and half-width ASCII
punctuation count 0. That is close to what WPS and Word report as 字数 for Chinese text.
"""

from __future__ import annotations

import re

_CJK = (
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B-G
)
_CJK_PUNCT = (
    "\u3000-\u303f"  # CJK symbols and punctuation 、。〈〉《》「」【】〔〕
    "\u2014\u2026\u2018\u2019\u201c\u201d\u00b7"  # — … ‘ ’ “ ” ·
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # full-width punctuation (！，．：；？ etc.)
)
_TOKEN = re.compile(f"[{_CJK}]|[{_CJK_PUNCT}]|[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")


# The entry form's live counter runs this very pattern in the browser (JavaScript, flag "u"): the string holds
# the characters themselves, not Python escapes, and only character classes and "+", which both engines read alike.
ZI_PATTERN = _TOKEN.pattern


def count_zi(text: str) -> int:
    """The length of a Chinese text in 字 (see the module docstring for the rule)."""
    return len(_TOKEN.findall(text or ""))


# --- photo captions in the newspaper's form ---------------------------------------------------------------
# “……图为 4 月 21 日，在永丰县恩江灌区，七都乡的农民在农田里管理农作物。 刘浩军 摄”

_DATE = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日|\d{4}\s*年")
_PLACE = re.compile(r"在[^，。,.]{2,}|[省市县区乡镇村]|社区|街道|广场|公园|学校")
_CREDIT = re.compile(r"[\u4e00-\u9fff·]{2,8}(?:\s*[、，,]\s*[\u4e00-\u9fff·]{2,8})*\s*摄\s*$")
WHAT_MIN = 15  # a caption needs at least this many 字 beyond date, place and credit to say what happens


def caption_problems(caption: str) -> list[str]:
    """Which parts of the newspaper caption are missing: "date", "place", "what", "credit"."""
    text = (caption or "").strip()
    missing = []
    if not _DATE.search(text):
        missing.append("date")
    if not _PLACE.search(text):
        missing.append("place")
    without_credit = _CREDIT.sub("", text)
    if count_zi(_DATE.sub("", without_credit)) < WHAT_MIN:
        missing.append("what")
    if not _CREDIT.search(text):
        missing.append("credit")
    return missing


def strip_credit(caption: str) -> str:
    """The caption without the photographer's name, for blind judging."""
    return _CREDIT.sub("", (caption or "").strip()).rstrip()
