"""A brand project's status moves only through its declared steps: each change on the edit form is one event."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.audit.models import AuditEvent
from civicloop.brands import services
from civicloop.brands.models import BrandProjectEvent
from civicloop.network.services import unit_create

pytestmark = pytest.mark.django_db


def _update(p, actor, status):
    return services.brand_update(
        project=p, actor=actor, name=p.name, category=p.category, description="", industry="", status=status
    )


def test_status_changes_are_steps_with_events(client, personas):
    street = unit_create(parent=personas.root, name="团结街道新时代文明实践所")
    p = services.brand_create(name="邻里守望", owner_unit=street, category="culture", actor=personas.office)
    _update(p, personas.office, "paused")
    _update(p, personas.office, "paused")  # same status: nothing moves
    _update(p, personas.office, "ended")
    p.refresh_from_db()
    assert (p.status, p.version) == ("ended", 2)
    rows = list(BrandProjectEvent.objects.filter(subject=p).order_by("pk").values_list("step", "to_status"))
    assert rows == [("create", "active"), ("pause", "paused"), ("end", "ended")]
    assert AuditEvent.objects.filter(action="brands.end", object_id=str(p.pk)).count() == 1
    client.force_login(personas.office)
    body = client.get(reverse("brands:project_detail", args=[p.pk])).content.decode()
    assert "workflow-timeline" in body and body.count("<li>") >= 3
