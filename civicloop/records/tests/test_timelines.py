"""Make-up declarations and redemptions move only through their declared workflow: each step writes one event,
shown on the object's page to the volunteer and the deciding staff, and to nobody else."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from civicloop.audit.models import AuditEvent
from civicloop.records.models import MakeupClaim, MakeupClaimEvent, Redemption, RedemptionEvent
from civicloop.records.tests.test_records import _ended_activity, _item, credit

pytestmark = pytest.mark.django_db


def test_makeup_timeline_and_who_sees_it(client, personas):
    activity = _ended_activity(personas, hours=2)
    client.force_login(personas.volunteer)
    client.post(reverse("records:makeup_new"), {"activity": activity.pk, "hours": "1", "note": "引导群众"})
    claim = MakeupClaim.objects.get()
    client.force_login(personas.station_staff)
    client.post(reverse("records:makeup_decide", args=[claim.pk]), {"approve": "0"})
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("rejected", 1)
    steps = list(MakeupClaimEvent.objects.filter(subject=claim).values_list("step", "from_status", "to_status"))
    assert steps == [("declare", "", "pending"), ("reject", "pending", "rejected")]
    assert AuditEvent.objects.filter(action="records.makeup.reject", actor=personas.station_staff).exists()
    # a second decision is refused and writes nothing
    client.post(reverse("records:makeup_decide", args=[claim.pk]), {"approve": "1"})
    assert MakeupClaimEvent.objects.filter(subject=claim).count() == 2
    page = client.get(reverse("records:makeup_detail", args=[claim.pk]))
    assert page.status_code == 200 and "workflow-timeline" in page.content.decode()
    client.force_login(personas.volunteer)
    assert client.get(reverse("records:makeup_detail", args=[claim.pk])).status_code == 200
    for outsider in (personas.sibling, personas.resident, personas.outsider):
        client.force_login(outsider)
        assert client.get(reverse("records:makeup_detail", args=[claim.pk])).status_code == 403


def test_redemption_timeline_and_who_sees_it(client, personas):
    credit(personas, "6")
    item = _item(personas, price=50)
    client.force_login(personas.volunteer)
    client.post(reverse("records:redeem", args=[item.pk]))
    redemption = Redemption.objects.get()
    client.force_login(personas.station_staff)
    client.post(reverse("records:hand_out", args=[redemption.pk]))
    redemption.refresh_from_db()
    assert (redemption.status, redemption.version, redemption.handed_out_by) == (
        "handed_out",
        1,
        personas.station_staff,
    )
    events = RedemptionEvent.objects.filter(subject=redemption).order_by("pk")
    assert [e.step for e in events] == ["redeem", "hand_out"]
    body = client.get(reverse("records:redemption_detail", args=[redemption.pk])).content.decode()
    assert "已发放" in body or "Handed out" in body
    client.force_login(personas.volunteer)
    assert client.get(reverse("records:redemption_detail", args=[redemption.pk])).status_code == 200
    for outsider in (personas.sibling, personas.resident, personas.outsider):
        client.force_login(outsider)
        assert client.get(reverse("records:redemption_detail", args=[redemption.pk])).status_code == 403
    call_command("check_points", stdout=StringIO())
