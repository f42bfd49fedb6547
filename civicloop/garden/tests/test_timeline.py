"""A message moves only through its declared moderation steps: each one is an event shown in the review queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.audit.models import AuditEvent
from civicloop.core.exceptions import Conflict
from civicloop.garden import services
from civicloop.garden.models import Comment, CommentEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(personas):
    post = services.post_publish(
        unit=personas.station, title="学习资料", body="正文", links="", actor=personas.station_staff
    )
    services.garden_set_moderation(garden=post.garden, moderation="pre", actor=personas.station_staff)
    return services.comment_post(post=post, author=personas.resident, body="学到了很多")


def _steps(comment):
    return list(CommentEvent.objects.filter(subject=comment).values_list("step", "from_status", "to_status"))


def test_each_decision_is_an_event_shown_in_the_review_queue(client, personas, held):
    services.comment_approve(comment=held, actor=personas.station_staff)
    services.comment_hide(comment=held, reason="与学习无关", actor=personas.station_staff)
    held.refresh_from_db()
    assert (held.status, held.version, held.hidden_reason, held.moderated_by) == (
        "hidden", 2, "与学习无关", personas.station_staff
    )
    assert _steps(held) == [("create", "", "held"), ("approve", "held", "visible"), ("hide", "visible", "hidden")]
    assert CommentEvent.objects.get(subject=held, step="hide").note == "与学习无关"
    assert AuditEvent.objects.filter(action="garden.comment.hide", actor=personas.station_staff).count() == 1
    client.force_login(personas.station_staff)
    body = client.get(reverse("garden:moderation_queue") + "?status=hidden").content.decode()
    assert "审核记录" in body and "隐藏留言" in body and "与学习无关" in body


def test_a_handled_message_is_refused_with_409_and_the_same_message(client, personas, held):
    client.force_login(personas.station_staff)
    assert client.post(f"/api/garden/comments/{held.pk}/approve").json()["status"] == "visible"
    again = client.post(f"/api/garden/comments/{held.pk}/approve")
    assert again.status_code == 409 and again.json()["detail"] == "这条留言已被处理，请刷新页面。"
    held.refresh_from_db()
    stale = Comment.objects.get(pk=held.pk)
    services.comment_hide(comment=held, reason="广告", actor=personas.station_staff)
    with pytest.raises(Conflict):  # a copy read before the hide loses on the version
        services.comment_hide(comment=stale, reason="重复", actor=personas.station_staff)
    assert [s for s, _f, _t in _steps(held)] == ["create", "approve", "hide"]


def test_a_resident_or_another_station_cannot_moderate_and_nothing_is_written(client, personas, held):
    for user in (personas.resident, personas.sibling):
        client.force_login(user)
        assert client.post(f"/api/garden/comments/{held.pk}/approve").status_code == 403
        assert client.post(reverse("garden:comment_moderate", args=[held.pk, "hide"]), {"reason": "x"}).status_code == 403
    held.refresh_from_db()
    assert held.status == "held" and _steps(held) == [("create", "", "held")]
