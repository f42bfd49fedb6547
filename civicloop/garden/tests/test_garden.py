from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.audit.models import AuditEvent
from civicloop.garden import selectors, services
from civicloop.garden.models import Comment, Garden

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(personas):
    return services.post_publish(
        unit=personas.station,
        title="学习强国：新时代文明实践",
        body="本周学习内容：习近平新时代中国特色社会主义思想学习纲要。",
        links="学习强国 | https://www.xuexi.cn/",
        actor=personas.station_staff,
    )


def test_staff_publishes_a_study_post(client, personas):
    client.force_login(personas.station_staff)
    url = reverse("garden:post_create", args=[personas.station.pk])
    bad = client.post(url, {"title": "资料", "body": "正文", "links": "javascript:alert(1)"})
    assert "不是有效的网址" in bad.content.decode()
    response = client.post(
        url, {"title": "学习资料", "body": "正文", "links": "学习强国 | https://www.xuexi.cn/"}, follow=True
    )
    body = response.content.decode()
    assert "学习文章已发布" in body and 'href="https://www.xuexi.cn/"' in body
    assert Garden.objects.get(unit=personas.station).posts.count() == 1


def test_resident_comments_and_it_shows(client, personas, post):
    client.force_login(personas.resident)
    url = reverse("garden:post_detail", args=[post.pk])
    response = client.post(url, {"body": "学习了，很受教育！"}, follow=True)
    body = response.content.decode()
    assert "留言已发表" in body and "学习了，很受教育！" in body
    assert Comment.objects.get().status == "visible"


def test_empty_and_too_long_messages_are_refused(client, personas, post):
    client.force_login(personas.resident)
    url = reverse("garden:post_detail", args=[post.pk])
    assert (
        "这个字段是必填项" in client.post(url, {"body": "  "}).content.decode()
        or not Comment.objects.exists()
    )
    response = client.post(url, {"body": "长" * 501})
    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_a_listed_sensitive_word_holds_the_message(client, personas, post):
    client.force_login(personas.office)
    client.post(reverse("garden:words"), {"word": "刷单"})
    client.force_login(personas.resident)
    response = client.post(
        reverse("garden:post_detail", args=[post.pk]), {"body": "招人刷单，日结"}, follow=True
    )
    assert "将在工作人员审核后显示" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.status == "held" and "刷单" in comment.held_reason
    # A default-list word is held too.
    held = services.comment_post(post=post, author=personas.volunteer, body="网上赌博害人")
    assert held.status == "held"
    # Another resident does not see the held messages; the author sees their own; counts ignore them.
    client.force_login(personas.volunteer)
    body = client.get(reverse("garden:post_detail", args=[post.pk])).content.decode()
    assert "招人刷单" not in body and "网上赌博害人" in body
    assert selectors.participation(personas.station.path) == {"messages": 0, "people": 0}


def test_pre_moderation_holds_everything_until_approved(client, personas, post):
    services.garden_set_moderation(garden=post.garden, moderation="pre", actor=personas.station_staff)
    comment = services.comment_post(post=post, author=personas.resident, body="支持！")
    assert comment.status == "held"
    client.force_login(personas.station_staff)
    queue = client.get(reverse("garden:moderation_queue")).content.decode()
    assert "支持！" in queue
    client.post(reverse("garden:comment_moderate", args=[comment.pk, "approve"]))
    comment.refresh_from_db()
    assert comment.status == "visible" and comment.moderated_by == personas.station_staff


def test_moderation_hides_with_a_reason_and_restores(client, personas, post):
    comment = services.comment_post(post=post, author=personas.resident, body="广告：低价出售")
    client.force_login(personas.station_staff)
    hide = reverse("garden:comment_moderate", args=[comment.pk, "hide"])
    response = client.post(hide, {"reason": ""}, follow=True)
    assert "请填写隐藏原因" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "visible"
    client.post(hide, {"reason": "广告内容"})
    comment.refresh_from_db()
    assert comment.status == "hidden" and comment.hidden_reason == "广告内容"
    client.force_login(personas.volunteer)
    assert "低价出售" not in client.get(reverse("garden:post_detail", args=[post.pk])).content.decode()
    client.force_login(personas.station_staff)
    staff_view = client.get(reverse("garden:post_detail", args=[post.pk])).content.decode()
    assert "低价出售" in staff_view and "隐藏原因：" in staff_view
    client.post(reverse("garden:comment_moderate", args=[comment.pk, "restore"]))
    comment.refresh_from_db()
    assert comment.status == "visible" and comment.hidden_reason == ""
    again = client.post(reverse("garden:comment_moderate", args=[comment.pk, "restore"]), follow=True)
    assert "这条留言已被处理" in again.content.decode()


@pytest.mark.parametrize("persona", ["resident", "volunteer", "leader", "sibling", "outsider"])
@pytest.mark.parametrize("verb", ["hide", "restore", "approve"])
def test_residents_and_others_cannot_moderate(client, personas, post, persona, verb):
    comment = services.comment_post(post=post, author=personas.resident, body="一条留言")
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("garden:comment_moderate", args=[comment.pk, verb]), {"reason": "x"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == "visible"
    assert AuditEvent.objects.filter(action=f"garden_comment_{verb}", outcome="denied").exists()


def test_api_moderation_refused_for_a_resident(client, personas, post):
    comment = services.comment_post(post=post, author=personas.resident, body="一条留言")
    client.force_login(personas.resident)
    r = client.post(
        f"/api/garden/comments/{comment.pk}/hide", {"reason": "x"}, content_type="application/json"
    )
    assert r.status_code == 403
    client.force_login(personas.institute_staff)
    r = client.post(
        f"/api/garden/comments/{comment.pk}/hide", {"reason": "不文明"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "hidden"
    r = client.post(
        f"/api/garden/comments/{comment.pk}/hide", {"reason": "不文明"}, content_type="application/json"
    )
    assert r.status_code == 409


def test_participation_counts(client, personas, post):
    other = services.post_publish(
        unit=personas.station_b, title="河西村学习", body="正文", actor=personas.sibling
    )
    services.comment_post(post=post, author=personas.resident, body="好")
    services.comment_post(post=post, author=personas.resident, body="很好")
    services.comment_post(post=post, author=personas.volunteer, body="学习了")
    hidden = services.comment_post(post=post, author=personas.leader, body="无关")
    services.comment_hide(comment=hidden, reason="无关内容", actor=personas.station_staff)
    services.comment_post(post=other, author=personas.outsider, body="赞")
    assert selectors.participation(personas.station.path) == {"messages": 3, "people": 2}
    assert selectors.participation(personas.institute.path) == {"messages": 4, "people": 3}
    client.force_login(personas.station_staff)
    body = client.get(reverse("garden:garden_detail", args=[personas.station.pk])).content.decode()
    assert "<b>3</b>留言（参与人次）" in body and "<b>2</b>参与人数" in body


def test_only_the_office_edits_sensitive_words(client, personas):
    for persona in ("station_staff", "resident", "outsider"):
        client.force_login(getattr(personas, persona))
        assert client.post(reverse("garden:words"), {"word": "x"}).status_code == 403
    client.force_login(personas.office)
    client.post(reverse("garden:words"), {"word": "刷单"})
    dup = client.post(reverse("garden:words"), {"word": "刷单"})
    assert "该词已在列表中" in dup.content.decode()
    assert "刷单" in selectors.sensitive_words() and "赌博" in selectors.sensitive_words()


def test_garden_pages_need_sign_in_and_staff_for_publishing(client, personas, post):
    assert client.get(reverse("garden:post_detail", args=[post.pk])).status_code == 302
    client.force_login(personas.resident)
    assert client.get(reverse("garden:garden_list")).status_code == 200
    assert client.get(reverse("garden:garden_detail", args=[personas.station.pk])).status_code == 200
    assert client.get(reverse("garden:post_create", args=[personas.station.pk])).status_code == 403
    assert client.get(reverse("garden:moderation_queue")).status_code == 403
    # A unit without a garden is not shown to outsiders.
    assert client.get(reverse("garden:garden_detail", args=[personas.station_b.pk])).status_code == 403
    client.force_login(personas.sibling)
    assert client.get(reverse("garden:post_create", args=[personas.station.pk])).status_code == 403
    assert (
        client.post(
            reverse("garden:garden_moderation", args=[personas.station.pk]), {"moderation": "pre"}
        ).status_code
        == 403
    )
    post.garden.refresh_from_db()
    assert post.garden.moderation == "post"


def test_lists_are_paginated_without_n_plus_one(client, personas, post, django_assert_max_num_queries):
    for i in range(40):
        services.comment_post(post=post, author=personas.resident, body=f"留言{i}")
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(16):
        body = client.get(reverse("garden:post_detail", args=[post.pk])).content.decode()
    assert "留言0" in body and "留言39" not in body
    with django_assert_max_num_queries(14):
        client.get(reverse("garden:moderation_queue") + "?status=visible")
    api = client.get(f"/api/garden/posts/{post.pk}/comments").json()
    assert api["count"] == 40


def test_api_needs_sign_in_and_refuses_bad_input(client, personas, post):
    assert client.get("/api/garden/posts").status_code == 401
    assert (
        client.post(
            f"/api/garden/posts/{post.pk}/comments", {"body": "x"}, content_type="application/json"
        ).status_code
        == 401
    )
    client.force_login(personas.resident)
    assert client.get("/api/garden/posts").json()["count"] == 1
    empty = client.post(
        f"/api/garden/posts/{post.pk}/comments", {"body": "  "}, content_type="application/json"
    )
    assert empty.status_code == 400 and empty.json()["detail"] == "请先写下留言内容。"
    held = client.post(
        f"/api/garden/posts/{post.pk}/comments", {"body": "赌博"}, content_type="application/json"
    )
    assert held.status_code == 201 and held.json()["status"] == "held"
    client.force_login(personas.outsider)
    # An outsider sees only visible messages, not the held one.
    assert client.get(f"/api/garden/posts/{post.pk}/comments").json()["count"] == 0
