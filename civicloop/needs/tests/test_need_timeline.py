"""A need's status moves only through its declared steps: the edit form's status runs the step that leads there,
each one an event on the need's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.audit.models import AuditEvent
from civicloop.core.exceptions import Conflict
from civicloop.needs import services
from civicloop.needs.models import Need, NeedEvent

pytestmark = pytest.mark.django_db

BASE = {"category": "health", "focus_group": "", "description": "助浴服务"}


def _need(personas, rnd):
    return services.need_record(round=rnd, unit=personas.station, description="助浴服务", actor=personas.station_staff)


def _steps(need):
    return list(NeedEvent.objects.filter(subject=need).values_list("step", "from_status", "to_status", "note"))


def test_a_status_set_on_the_edit_form_is_a_step_on_the_timeline(client, personas, rnd):
    need = _need(personas, rnd)
    client.force_login(personas.station_staff)
    url = reverse("needs:need_edit", args=[need.pk])
    client.post(url, BASE | {"status": "unmet", "unmet_reason": "无专业护理人员"})
    client.post(url, BASE | {"status": "unmet", "unmet_reason": "无专业护理人员", "recurring": "on"})  # no move
    client.post(url, BASE | {"status": "planned"})
    need.refresh_from_db()
    assert (need.status, need.version, need.unmet_reason, need.recurring) == ("planned", 2, "", False)
    assert _steps(need) == [
        ("record", "", "open", ""),
        ("leave_unmet", "open", "unmet", "无专业护理人员"),
        ("plan", "unmet", "planned", ""),
    ]
    assert AuditEvent.objects.filter(action="needs.need.plan", actor=personas.station_staff).count() == 1
    assert AuditEvent.objects.filter(action="need_update", actor=personas.station_staff).count() == 3
    body = client.get(url).content.decode()
    assert "workflow-timeline" in body and "标记为未满足" in body and "无专业护理人员" in body
    assert "未满足 → 已列入计划" in body


def test_a_stale_copy_loses_with_409_and_writes_nothing(personas, rnd):
    need = _need(personas, rnd)
    stale = Need.objects.get(pk=need.pk)
    services.need_update(need=need, actor=personas.station_staff, status="planned", **BASE)
    with pytest.raises(Conflict, match="刚刚有人修改了"):
        services.need_update(need=stale, actor=personas.station_staff, status="unmet", unmet_reason="x", **BASE)
    need.refresh_from_db()
    assert need.status == "planned" and [s[0] for s in _steps(need)] == ["record", "plan"]


def test_another_station_cannot_change_the_status_through_the_api(client, personas, rnd):
    need = _need(personas, rnd)
    client.force_login(personas.sibling)
    answer = client.patch(f"/api/needs/needs/{need.pk}", {"status": "planned"}, content_type="application/json")
    assert answer.status_code == 403
    client.force_login(personas.station_staff)
    answer = client.patch(f"/api/needs/needs/{need.pk}", {"status": "planned"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "planned"
    assert [s[0] for s in _steps(need)] == ["record", "plan"]


def test_needs_carried_over_and_imported_get_their_first_event(personas, rnd):
    need = _need(personas, rnd)
    services.need_update(need=need, actor=personas.station_staff, status="unmet", unmet_reason="缺人手", **BASE)
    services.round_close(round=rnd, actor=personas.station_staff)
    carried = Need.objects.get(drafted_from=need)
    assert _steps(carried) == [("carry_over", "", "open", "")]
