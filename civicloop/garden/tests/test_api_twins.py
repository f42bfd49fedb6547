"""Garden pages' API twins: publishing study posts, the moderation mode and the sensitive-word list."""

from __future__ import annotations

import pytest

from civicloop.garden.models import Garden, GardenPost, SensitiveWord

BASE = "/api/garden"
JSON = "application/json"
pytestmark = pytest.mark.django_db


def _as(client, user):
    client.logout()
    client.force_login(user)
    return client


def test_station_staff_publish_and_set_moderation(client, personas):
    url = f"{BASE}/units/{personas.station.pk}/posts"
    body = {"title": "学习新思想", "body": "本周学习内容", "links": "学习强国 | https://www.xuexi.cn/"}
    assert _as(client, personas.sibling).post(url, body, content_type=JSON).status_code == 403
    assert _as(client, personas.volunteer).post(url, body, content_type=JSON).status_code == 403
    staff = _as(client, personas.station_staff)
    bad = staff.post(url, {**body, "title": ""}, content_type=JSON)
    assert bad.status_code == 400 and "title" in bad.json()["errors"]
    made = staff.post(url, body, content_type=JSON)
    assert made.status_code == 201, made.content
    assert made.json()["links"][0]["url"] == "https://www.xuexi.cn/"
    assert GardenPost.objects.count() == 1
    mode = f"{BASE}/units/{personas.station.pk}/moderation"
    assert staff.put(mode, {"moderation": "nonsense"}, content_type=JSON).status_code == 400
    assert staff.put(mode, {"moderation": "pre"}, content_type=JSON).json()["moderation"] == "pre"
    assert _as(client, personas.sibling).put(mode, {"moderation": "post"}, content_type=JSON).status_code == 403
    assert Garden.objects.get(unit=personas.station).moderation == "pre"


def test_only_the_office_edits_sensitive_words(client, personas):
    for user in (personas.station_staff, personas.resident):
        assert _as(client, user).post(f"{BASE}/words", {"word": "赌博"}, content_type=JSON).status_code == 403
        assert _as(client, user).get(f"{BASE}/words").status_code == 403
    office = _as(client, personas.office)
    added = office.post(f"{BASE}/words", {"word": "赌博"}, content_type=JSON)
    assert added.status_code == 201
    assert [w["word"] for w in office.get(f"{BASE}/words").json()["items"]] == ["赌博"]
    assert office.post(f"{BASE}/words", {"word": ""}, content_type=JSON).status_code == 400
    assert office.delete(f"{BASE}/words/{added.json()['id']}").status_code == 204
    assert not SensitiveWord.objects.exists()


def test_comment_moderation_refuses_another_scope(client, personas):
    from civicloop.garden import services

    post = services.post_publish(
        unit=personas.station, title="学习", body="内容", links="", image=None, actor=personas.station_staff
    )
    services.garden_set_moderation(garden=post.garden, moderation="pre", actor=personas.station_staff)
    comment = services.comment_post(post=post, author=personas.resident, body="学到了")
    for user in (personas.sibling, personas.resident):
        c = _as(client, user)
        assert c.post(f"{BASE}/comments/{comment.pk}/approve").status_code == 403
        assert c.post(f"{BASE}/comments/{comment.pk}/restore").status_code == 403
    comment.refresh_from_db()
    assert comment.status == "held"
