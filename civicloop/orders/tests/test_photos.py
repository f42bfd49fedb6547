"""Service photos may show residents: they are stored outside MEDIA_ROOT and sent only to people who may see the order."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicloop.audit.models import AuditEvent
from civicloop.orders import services
from civicloop.orders.models import OrderPhoto
from civicloop.orders.tests.factories import time_passes, walk


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 16, 46)).save(buffer, "PNG")
    return SimpleUploadedFile("serve.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def photo(personas):
    order = time_passes(walk(personas, "in_service"))
    services.order_check_out(actor=personas.volunteer, order=order)
    services.order_report(
        actor=personas.leader,
        order=order,
        summary="上门量血压",
        people_served=1,
        hours={personas.volunteer_profile.pk: Decimal("1.5")},
        photos=[_png()],
    )
    row = OrderPhoto.objects.get(report__order=order)
    yield row
    row.image.delete(save=False)


def test_photo_file_lives_outside_media_root(photo, settings):
    path = Path(photo.image.path)
    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT) and path.exists()
    assert not path.is_relative_to(settings.MEDIA_ROOT)


@pytest.mark.parametrize("persona", ["resident", "station_staff", "leader"])
def test_people_who_may_see_the_order_get_the_photo(client, personas, photo, persona):
    row = photo
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("orders:photo", args=[row.report.order.number, row.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("persona", ["sibling", "outsider", "liaison"])
def test_others_are_refused_and_audited(client, personas, photo, persona):
    row = photo
    user = getattr(personas, persona)
    client.force_login(user)
    response = client.get(reverse("orders:photo", args=[row.report.order.number, row.pk]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="order_photo", actor=user, outcome="denied").exists()


def test_anonymous_is_sent_to_sign_in(client, photo):
    row = photo
    response = client.get(reverse("orders:photo", args=[row.report.order.number, row.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
