"""Fixtures for calls for entries: an essay, a photo and a nomination call run by station A (万和阳光社区), open
now, and a helper to make a small JPEG with EXIF."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicloop.contests import services
from civicloop.contests.workflow import CALL

RUBRIC = [
    {"code": "content", "label": "思想内容", "weight": 50},
    {"code": "craft", "label": "写作技巧", "weight": 30},
    {"code": "novelty", "label": "新颖性", "weight": 20},
]

CAPTION = (
    "谷雨过后，天气转好，气温逐渐回升，江西省吉安市永丰县的农民抓住有利时机开展农业生产，田间地头一派忙碌的"
    "春耕春管景象。图为 4 月 21 日，在永丰县恩江灌区，七都乡的农民在农田里管理农作物。 刘浩军 摄"
)


def make_call(personas: Any, kind: str, **kw: Any) -> Any:
    now = timezone.now()
    values: dict[str, Any] = {
        "organiser": personas.station,
        "actor": personas.station_staff,
        "title": {"essay": "经验交流·征文竞赛", "photo": "新闻图片摄影赛", "nomination": "评身边好事"}[kind],
        "kind": kind,
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=30),
        "rubric": RUBRIC if kind != "nomination" else [],
        "award_plan": {"first": 1, "second": 1, "merit": 1},
        "publicity_days": 0,
    }
    if kind == "essay":
        values.update(
            marker="全国精神文明建设经验交流·征文竞赛",
            required_fields=["name", "address", "postcode", "phone"],
            guideline_chars=1800,
            limit_chars=3000,
            categories=["文明城市", "文明社区"],
        )
    if kind == "photo":
        values.update(required_fields=["name", "phone"])
    values.update(kw)
    call = services.call_create(**values)
    CALL.run("publish", call, actor=personas.station_staff)
    call.refresh_from_db()
    return call


@pytest.fixture
def essay_call(personas: Any) -> Any:
    return make_call(personas, "essay")


@pytest.fixture
def photo_call(personas: Any) -> Any:
    return make_call(personas, "photo")


@pytest.fixture
def nomination_call(personas: Any) -> Any:
    return make_call(personas, "nomination", votes_per_day=2, award_plan={"merit": 2})


AUTHOR = {
    "author_name": "林小文",
    "author_address": "福建省漳州市芗城区胜利路1号",
    "author_postcode": "363000",
    "author_phone": "13905961234",
}


def essay_data(length: int = 600, **kw: Any) -> dict[str, Any]:
    body = ("文明社区建设经验" * (length // 8 + 1))[:length]
    return {"title": "小区里的文明新风", "category": "文明社区", "body": body, **AUTHOR, **kw}


def jpeg(color: tuple[int, int, int] = (200, 80, 40), size: tuple[int, int] = (640, 480), pattern: int = 0,
         exif: bool = True) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 40 + pattern * 7):
        draw.rectangle([i, 0, i + 15 + pattern * 3, size[1] // (1 + pattern % 3)], fill=(20 * pattern % 255, 120, 60))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[271] = "Canon"
        data[272] = "Canon EOS 80D"
        data.get_ifd(0x8769)[36867] = "2020:04:21 09:30:00"
        image.save(out, "JPEG", exif=data)
    else:
        image.save(out, "JPEG")
    return SimpleUploadedFile(f"photo{pattern}.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


def nomination_data(**kw: Any) -> dict[str, Any]:
    return {
        "title": "楼道里的热心人",
        "body": "王阿姨十年如一日为楼里的空巢老人买菜送药，下雪天第一个出门扫雪，邻居们都很感动。",
        "nominee_name": "王桂兰",
        "nominee_phone": "13904721234",
        "nominee_consent": "on",
        **kw,
    }


def voting_call(personas: Any, n: int = 3, **kw: Any) -> tuple[Any, list[Any]]:
    """A nomination call in its voting period with `n` admitted candidates."""
    from civicloop.contests.workflow import ENTRY

    kw.setdefault("votes_per_day", 2)
    kw.setdefault("award_plan", {"merit": 2})
    call = make_call(personas, "nomination", **kw)
    entries = []
    for i in range(n):
        e = services.entry_save(
            call=call, actor=personas.resident, data=nomination_data(title=f"好人好事{i}"), unit=personas.station
        )
        ENTRY.run("submit", e, actor=personas.resident)
        ENTRY.run("admit", e, actor=personas.station_staff)
        entries.append(e)
    CALL.run("close", call, actor=personas.station_staff)
    CALL.run("start_review", call, actor=personas.station_staff)
    CALL.run("open_voting", call, actor=personas.station_staff)
    call.refresh_from_db()
    for e in entries:
        e.refresh_from_db()
    return call, entries
