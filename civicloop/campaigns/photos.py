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


# OpenCV's Haar cascades (shipped inside opencv-python-headless, no download at run time): frontal and profile
# faces. Number plates are not detected (the cascades OpenCV ships are trained on Russian plates): the approver's
# confirmation that no plate can be read stays required for a photo published as taken.
FACE_CASCADES = (
    "haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt2.xml", "haarcascade_profileface.xml",
)


def find_faces(img: Any) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h) of the faces OpenCV finds in a PIL image (profiles facing either way)."""
    import cv2
    import numpy as np

    grey = np.asarray(img.convert("L"))
    side = max(20, min(grey.shape) // 40)  # ignore specks smaller than 1/40 of the photo
    width = grey.shape[1]
    boxes: set[tuple[int, int, int, int]] = set()
    # as taken and with its contrast equalised (a face in shade or against the light): more finds, more blurred —
    # on a public photo a patch blurred for nothing costs less than a face left readable
    for frame in (grey, cv2.equalizeHist(grey)):
        for name in FACE_CASCADES:
            cascade = cv2.CascadeClassifier(cv2.data.haarcascades + name)
            for flipped in (False, True) if "profile" in name else (False,):
                found = cascade.detectMultiScale(cv2.flip(frame, 1) if flipped else frame, scaleFactor=1.1,
                                                 minNeighbors=4, minSize=(side, side))
                for x, y, w, h in (tuple(int(v) for v in b) for b in found):
                    boxes.add((width - x - w, y, w, h) if flipped else (x, y, w, h))
    return _merged(sorted(boxes))


def _merged(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """One box per face: boxes that overlap (the cascades and passes find the same face) become their union."""
    out: list[list[int]] = []
    for x, y, w, h in boxes:
        for m in out:
            if x < m[2] and m[0] < x + w and y < m[3] and m[1] < y + h:
                m[0], m[1], m[2], m[3] = min(m[0], x), min(m[1], y), max(m[2], x + w), max(m[3], y + h)
                break
        else:
            out.append([x, y, x + w, y + h])
    return [(a, b, c - a, d - b) for a, b, c, d in out]


def blur_faces(img: Any) -> int:
    """Pixelate and blur every face found, with a margin, in place; returns how many were hidden."""
    from PIL import Image, ImageFilter

    boxes = find_faces(img)
    for x, y, w, h in boxes:
        m = max(w, h) // 8
        box = (max(0, x - m), max(0, y - m), min(img.width, x + w + m), min(img.height, y + h + m))
        region = img.crop(box)
        rw, rh = region.size
        region = region.resize((max(1, rw // 12), max(1, rh // 12))).resize((rw, rh), Image.Resampling.NEAREST)
        img.paste(region.filter(ImageFilter.GaussianBlur(max(4, rw // 10))), box[:2])
    return len(boxes)


def public_copy(source: Any, *, blurred: bool) -> ContentFile:
    """A small JPEG without EXIF: blurred all over so strongly that faces and plates cannot be read, or (a photo
    published as taken) with every face OpenCV finds blurred, before anything is public."""
    from PIL import Image, ImageFilter

    with source.open("rb") as fh, Image.open(fh) as img:
        img = img.convert("RGB")
        img.thumbnail((960, 960))
        if not blurred:
            blur_faces(img)
        if blurred:
            # pixelate, then blur: coarse shapes (a pile of rubbish, a blocked lane) stay recognisable
            w, h = img.size
            img = img.resize((max(1, w // 24), max(1, h // 24))).resize((w, h), Image.Resampling.NEAREST)
            img = img.filter(ImageFilter.GaussianBlur(6))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=80)
    return ContentFile(buf.getvalue())
