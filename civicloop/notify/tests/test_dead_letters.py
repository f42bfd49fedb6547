"""The outbox's dead letters: notifications whose channel failed every attempt, seen and re-sent by operators."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from civicloop.notify.models import Notification
from civicloop.notify.services import MAX_ATTEMPTS, notify_deliver, notify_queue

pytestmark = pytest.mark.django_db


class BrokenChannel:
    name = "sms"

    def send(self, notification: Notification) -> None:
        raise RuntimeError("gateway down")


def test_a_notification_that_fails_every_attempt_is_a_dead_letter_and_can_be_sent_again(
    client: Any, personas: Any, settings: Any, monkeypatch: Any
) -> None:
    from civicloop.people import services as people

    monkeypatch.setattr("civicloop.notify.services.channels", lambda: [BrokenChannel()])
    [row] = notify_queue(recipients=[personas.resident], kind="test", title="您的点单已受理")
    for _ in range(MAX_ATTEMPTS):
        notify_deliver(notification=row)
    row.refresh_from_db()
    assert row.delivered_at is not None and row.attempts == MAX_ATTEMPTS
    assert row.inbox_item  # the in-app inbox got it; only the SMS channel is dead

    admin = people.user_create(username="ops", password="Kd-test-2026!", full_name="运维")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(reverse("notify:outbox_dead")).content.decode()
    assert "gateway down" in page and "未能送达的通知" in page

    response = client.post(reverse("notify:outbox_dead"), {"id": [str(row.pk)]}, follow=True)
    assert "1 条通知已重新排队" in response.content.decode()
    row.refresh_from_db()
    assert row.delivered_at is None and row.attempts == 0  # the sweep will deliver it again

    empty = client.post(reverse("notify:outbox_dead"), {}, follow=True)
    assert "请至少选择一条通知" in empty.content.decode()


@pytest.mark.parametrize("who", ["office", "auditor", "resident", "outsider"])
def test_only_operators_see_the_dead_letters(client: Any, personas: Any, who: str) -> None:
    client.force_login(getattr(personas, who))
    assert client.get(reverse("notify:outbox_dead")).status_code == 403
    assert client.post(reverse("notify:outbox_dead"), {"id": ["1"]}).status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dead_letter_page_in_a_browser(personas: Any, desk: Any, monkeypatch: Any) -> None:
    from civicloop.people import services as people
    from conftest import PASSWORD

    monkeypatch.setattr("civicloop.notify.services.channels", lambda: [BrokenChannel()])
    [row] = notify_queue(recipients=[personas.resident], kind="order_update", title="您的点单已受理")
    for _ in range(MAX_ATTEMPTS):
        notify_deliver(notification=row)
    admin = people.user_create(username="ops", password=PASSWORD, full_name="运维")
    admin.is_superuser = True
    admin.save()
    desk.login("ops")
    desk.go("/notify/dead-letters/")
    assert "gateway down" in desk.page.locator("#dead").inner_text()
    desk.shot("ops-outbox-dead")
    desk.page.check("input[name=id]")
    desk.page.click("text=重新发送所选通知")
    desk.page.wait_for_load_state()
    assert "已重新排队" in desk.page.content()
