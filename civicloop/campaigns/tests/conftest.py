from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


def jpeg(name: str = "p.jpg", *, gps: tuple[float, float] | None = None, taken: str | None = None,
         colour: str = "red") -> SimpleUploadedFile:
    """A small JPEG, optionally with EXIF time and GPS position like a phone camera writes."""
    from PIL import Image

    img = Image.new("RGB", (64, 48), colour)
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        lat, lng = gps

        def dms(v: float) -> tuple[float, float, float]:
            d = int(v)
            m = int((v - d) * 60)
            s = round(((v - d) * 60 - m) * 60, 4)
            return (float(d), float(m), float(s))

        g = exif.get_ifd(0x8825)
        g[1], g[2], g[3], g[4] = "N", dms(lat), "E", dms(lng)
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "private"}},
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}},
    }


@pytest.fixture
def camp(personas: Any) -> Any:
    """A campaign run by the district office with one action and one task for station A."""
    from civicloop.campaigns import services

    campaign = services.campaign_create(
        actor=personas.office, year=2020, name="创城2020", goal="创建全国文明城市", command_unit=personas.root,
        actions=["市容环境整治行动"],
    )
    task = services.task_create(
        actor=personas.office, action=campaign.actions.first(), title="背街小巷整治",
        due_at=timezone.now() + dt.timedelta(days=30), lead_department=personas.department,
        units=[personas.station, personas.station_b], items=["无暴露垃圾", "无乱贴乱画"],
    )
    campaign.task = task
    return campaign


def inspect(personas: Any, camp: Any, **kw: Any) -> Any:
    from civicloop.campaigns import services

    args = {
        "actor": personas.institute_staff, "campaign": camp, "category": "litter", "unit": personas.station,
        "description": "楼道口暴露垃圾", "photo": jpeg(), "place": "万和阳光社区3栋", "lat": 40.63, "lng": 109.81,
    }
    args.update(kw)
    return services.problem_inspect(**args)
