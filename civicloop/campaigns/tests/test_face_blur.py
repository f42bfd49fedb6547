"""Faces on a 曝光台 photo published as taken are blurred before it is public (OpenCV's Haar cascades, offline).
The test draws a synthetic face — a light oval with dark eyes, brows and mouth, the contrast pattern the cascade
looks for — next to a pile of 'rubbish', so it knows exactly where the face is."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter

from civicloop.campaigns import services
from civicloop.campaigns.models import Exposure
from civicloop.campaigns.photos import find_faces, public_copy
from civicloop.campaigns.tests.conftest import inspect
from civicloop.campaigns.workflow import EXPOSURE
from civicloop.network.models import Membership
from civicloop.people import services as people
from conftest import PASSWORD

FACE_BOX = (400, 60, 600, 320)  # where the synthetic face is drawn (left, top, right, bottom)
RUBBISH_BOX = (60, 250, 300, 420)


def scene() -> Image.Image:
    img = Image.new("RGB", (800, 480), (120, 120, 120))
    d = ImageDraw.Draw(img)
    d.rectangle(RUBBISH_BOX, fill=(90, 70, 40))  # the rubbish the entry is about: must stay recognisable
    for i in range(6):
        d.ellipse([80 + i * 35, 270 + (i % 2) * 60, 130 + i * 35, 320 + (i % 2) * 60], fill=(30, 110, 40))
    cx, cy, w, h = 500, 190, 100, 130
    d.ellipse([cx - w, cy - h, cx + w, cy + h], fill=(220, 190, 170))
    ey, ex, er = cy - h * 0.25, w * 0.42, w * 0.16
    for sx in (-1, 1):
        d.ellipse([cx + sx * ex - er * 1.3, ey - er * 0.7, cx + sx * ex + er * 1.3, ey + er * 0.7], fill=(40, 30, 30))
        d.rectangle([cx + sx * ex - er * 1.6, ey - er * 2.2, cx + sx * ex + er * 1.6, ey - er * 1.5], fill=(60, 40, 30))
    d.polygon([(cx, ey + er), (cx - er * 0.8, cy + h * 0.2), (cx + er * 0.8, cy + h * 0.2)], fill=(190, 160, 140))
    d.ellipse([cx - w * 0.35, cy + h * 0.38, cx + w * 0.35, cy + h * 0.52], fill=(110, 50, 50))
    return img.filter(ImageFilter.GaussianBlur(3))


def jpeg_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def detail(img: Image.Image, box: tuple[int, int, int, int]) -> float:
    """How much detail a region holds: the spread of its grey levels' differences to their neighbours."""
    a = np.asarray(img.convert("L").crop(box), dtype=float)
    return float(np.abs(np.diff(a, axis=0)).mean() + np.abs(np.diff(a, axis=1)).mean())


def test_the_cascade_finds_the_synthetic_face_and_nothing_in_the_rubbish():
    boxes = find_faces(scene())
    assert boxes, "the synthetic face must be found, or the test below proves nothing"
    for x, y, w, h in boxes:
        cx, cy = x + w / 2, y + h / 2
        assert FACE_BOX[0] <= cx <= FACE_BOX[2] and FACE_BOX[1] <= cy <= FACE_BOX[3]
    assert find_faces(Image.new("RGB", (800, 480), (120, 120, 120)).crop((0, 0, 400, 480))) == []


def test_public_copy_as_taken_hides_the_face_and_keeps_the_rest(tmp_path):
    original = scene()
    src = tmp_path / "p.jpg"
    src.write_bytes(jpeg_bytes(original))

    class Stored:  # the FieldFile interface public_copy reads
        def open(self, mode: str):
            return open(src, mode)

    copy = Image.open(io.BytesIO(public_copy(Stored(), blurred=False).read()))
    assert copy.size == original.size
    assert find_faces(copy) == []  # nothing left for the cascade to find
    assert detail(copy, FACE_BOX) < detail(original, FACE_BOX) * 0.5
    assert detail(copy, RUBBISH_BOX) > detail(original, RUBBISH_BOX) * 0.8  # the rubbish is still there


@pytest.mark.django_db
def test_approving_a_photo_as_taken_publishes_it_with_the_face_blurred(personas, camp):
    second = people.user_create(username="office2", password=PASSWORD, full_name="钱副主任")
    Membership.objects.create(user=second, unit=personas.root, role="staff")
    photo = SimpleUploadedFile("scene.jpg", jpeg_bytes(scene()), content_type="image/jpeg")
    problem = inspect(personas, camp, photo=photo)
    exposure = services.exposure_propose(actor=personas.office, campaign=camp, kind="behaviour", title="楼道堆放垃圾",
                                         text="3栋楼道口长期堆放垃圾", photo_mode="original", problem_id=problem.pk)
    EXPOSURE.run("approve", exposure, actor=second, data={"faces_checked": True})
    exposure = Exposure.objects.get(pk=exposure.pk)
    assert exposure.status == "published" and exposure.public_image
    with exposure.public_image.open("rb") as fh:
        published = Image.open(io.BytesIO(fh.read()))
        published.load()
    assert find_faces(published) == []
