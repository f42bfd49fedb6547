"""Photos: EXIF time and GPS position when the camera wrote them, and the blurred public copy for the 曝光台."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003
DATETIME = 0x0132


def _degrees(value: Any, ref: str) -> float | None:
    try:
        d, m, s = (float(x) for x in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    return -deg if ref in ("S", "W") else deg


def read_exif(upload: Any) -> dict[str, Any]:
    """{"taken_at", "lat", "lng"} from the photo's EXIF (None where absent or unreadable)."""
    from PIL import Image, UnidentifiedImageError

    out: dict[str, Any] = {"taken_at": None, "lat": None, "lng": None}
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            exif = img.getexif()
    except (UnidentifiedImageError, OSError, ValueError):
        return out
    finally:
        upload.seek(0)
    raw = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if raw:
        try:
            naive = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
            out["taken_at"] = timezone.make_aware(naive)  # cameras write local time without a zone
        except ValueError:
            pass
    gps = exif.get_ifd(GPS_IFD)
    if gps and 2 in gps and 4 in gps:
        lat = _degrees(gps.get(2), str(gps.get(1, "N")))
        lng = _degrees(gps.get(4), str(gps.get(3, "E")))
        if lat is not None and lng is not None and -90 <= lat <= 90 and -180 <= lng <= 180:
            out["lat"], out["lng"] = round(lat, 6), round(lng, 6)
    return out


def public_copy(source: Any, *, blurred: bool) -> ContentFile:
    """A small JPEG without EXIF; blurred so strongly that faces and plates cannot be read."""
    from PIL import Image, ImageFilter

    with source.open("rb") as fh, Image.open(fh) as img:
        img = img.convert("RGB")
        img.thumbnail((960, 960))
        if blurred:
            # pixelate, then blur: coarse shapes (a pile of rubbish, a blocked lane) stay recognisable
            w, h = img.size
            img = img.resize((max(1, w // 24), max(1, h // 24))).resize((w, h), Image.Resampling.NEAREST)
            img = img.filter(ImageFilter.GaussianBlur(6))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=80)
    return ContentFile(buf.getvalue())
