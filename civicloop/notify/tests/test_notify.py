"""The outbox: written in the transaction, delivered after commit to the inbox and the channels; a failing
channel is retried and never loses the row; the inbox page with its unread badge."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from civicloop.notify.models import InboxItem, Notification
from civicloop.notify.selectors import unread_count
from civicloop.notify.services import notify_deliver_pending, notify_queue

pytestmark = pytest.mark.django_db


class BrokenSms:
    name = "sms"

    def send(self, notification: Any) -> None:
        raise ConnectionError("gateway down")


def test_queue_then_deliver_after_commit(personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    personas.resident.email = "zhang@example.org"
    personas.resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify_queue(
            recipients=[personas.resident, personas.resident, None], kind="test", title="您好", body="正文"
        )
    n = Notification.objects.get()
    assert n.delivered_at is not None and n.channel_state == {"inbox": "ok", "email": "ok"}
    assert InboxItem.objects.get(user=personas.resident).title == "您好"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhang@example.org"]
    assert unread_count(personas.resident) == 1


def test_rolled_back_transaction_leaves_no_notification(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify_queue(recipients=[personas.resident], kind="test", title="x")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert not Notification.objects.exists() and callbacks == []


def test_failing_channel_is_retried_and_row_kept(
    personas: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_CHANNELS = ["civicloop.notify.tests.test_notify.BrokenSms"]
    with django_capture_on_commit_callbacks(execute=True):
        notify_queue(recipients=[personas.resident], kind="test", title="x")
    n = Notification.objects.get()
    assert n.delivered_at is None and n.attempts == 1 and "gateway down" in n.last_error
    assert InboxItem.objects.filter(notification=n).count() == 1  # the inbox got it anyway
    settings.NOTIFY_CHANNELS = ["civicloop.notify.channels.LoggingSmsChannel"]
    assert notify_deliver_pending() == 1
    n.refresh_from_db()
    assert n.delivered_at is not None and n.channel_state["sms"] == "ok"
    assert InboxItem.objects.filter(notification=n).count() == 1  # never twice
    assert notify_deliver_pending() == 0


def test_inbox_page_badge_and_mark_read(
    personas: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_queue(recipients=[personas.resident], kind="test", title="订单已办结", url="/orders/KD-1/")
        notify_queue(recipients=[personas.station_staff], kind="test", title="别人的消息")
    client.force_login(personas.resident)
    r = client.get("/notify/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = r.content.decode()
    assert r.status_code == 200 and "订单已办结" in html and "别人的消息" not in html
    assert "消息" in html and 'class="badge badge-red"' in html
    other = InboxItem.objects.get(user=personas.station_staff)
    client.post("/notify/read/", {"item": other.pk})  # someone else's item: untouched
    assert unread_count(personas.station_staff) == 1
    client.post("/notify/read/", {"item": "x"})
    assert unread_count(personas.resident) == 1
    client.post("/notify/read/")
    assert unread_count(personas.resident) == 0


def test_inbox_requires_login(client: Any, db: Any) -> None:
    r = client.get("/notify/")
    assert r.status_code == 302 and "login" in r["Location"]
    assert client.post("/notify/read/").status_code == 302


def test_inbox_api(personas: Any, client: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(25):
            notify_queue(recipients=[personas.resident], kind="test", title=f"消息{i}")
    client.force_login(personas.resident)
    r = client.get("/api/notify/inbox")
    assert r.json()["count"] == 25 and len(r.json()["items"]) == 20
    assert client.get("/api/notify/unread").json() == {"unread": 25}
    client.post("/api/notify/read", {}, content_type="application/json")
    assert client.get("/api/notify/unread").json() == {"unread": 0}
    client.force_login(personas.outsider)
    assert client.get("/api/notify/inbox").json()["count"] == 0


def test_one_persons_inbox_is_nobody_elses(
    personas: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_queue(recipients=[personas.resident], kind="test", title="只给张三")
    client.force_login(personas.outsider)
    assert client.get("/api/notify/inbox").json()["items"] == []
    assert client.get("/api/notify/unread").json() == {"unread": 0}
    client.post("/api/notify/read", {}, content_type="application/json")  # marks only the caller's own
    client.force_login(personas.resident)
    assert client.get("/api/notify/unread").json() == {"unread": 1}
    client.logout()
    assert client.get("/api/notify/inbox").status_code in (401, 403)


def test_the_deploy_check_warns_while_sms_codes_only_go_to_the_log(settings):
    from django.core.checks import run_checks

    settings.SMS_CHANNEL = settings.PASSWORD_RESET_SMS_CHANNEL = "civicloop.notify.channels.LoggingSmsChannel"
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert {"civicloop.W001", "civicloop.W002"} <= ids
    settings.SMS_CHANNEL = settings.PASSWORD_RESET_SMS_CHANNEL = "example.gateway.AliyunSmsChannel"
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert not {"civicloop.W001", "civicloop.W002"} & ids
