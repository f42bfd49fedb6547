"""An activity moves only through its declared steps: each one is an event on the activity's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from civicloop.activities import services
from civicloop.activities.models import ActivityEvent
from civicloop.activities.tests.helpers import make_activity
from civicloop.audit.models import AuditEvent
from civicloop.core.exceptions import Conflict

pytestmark = pytest.mark.django_db


def test_publish_and_cancel_are_events(client, personas):
    activity = make_activity(personas, publish=False, start_in=dt.timedelta(days=2))
    services.activity_publish(activity=activity, actor=personas.station_staff)
    services.activity_cancel(activity=activity, actor=personas.station_staff, reason="下雨")
    with pytest.raises(Conflict):
        services.activity_publish(activity=activity, actor=personas.station_staff)
    activity.refresh_from_db()
    assert (activity.status, activity.version) == ("cancelled", 2)
    rows = list(ActivityEvent.objects.filter(subject=activity).order_by("pk").values_list("step", "note"))
    assert rows == [("create", ""), ("publish", ""), ("cancel", "下雨")]
    assert AuditEvent.objects.filter(action="activities.cancel", actor=personas.station_staff).count() == 1
    client.force_login(personas.station_staff)
    body = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "workflow-timeline" in body and "下雨" in body
