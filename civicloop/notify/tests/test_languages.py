"""Messages are stored as a code plus parameters and shown in the reader's language (issue #13): a clerk
working in English leaves the resident a message that reads in Chinese, and an English reader sees English."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_noop

from civicloop.core.msg import Msg
from civicloop.notify.models import InboxItem, Notification
from civicloop.notify.services import notify_queue

pytestmark = pytest.mark.django_db

CLOSED = gettext_noop("Order %(n)s is closed")


def _queue(personas: Any, capture: Any, **kw: Any) -> InboxItem:
    with capture(execute=True):
        notify_queue(recipients=[personas.resident], kind="test", url="/orders/KD-20261202-0001/", **kw)
    return InboxItem.objects.get(user=personas.resident)


def test_english_writer_chinese_reader(personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    personas.resident.email = "zhang@example.org"
    personas.resident.save()
    with translation.override("en"):
        item = _queue(
            personas, django_capture_on_commit_callbacks,
            title=Msg(CLOSED, n="KD-20261202-0001"), body="家里没人，改天再来",
        )
    row = Notification.objects.get()
    assert row.title_code == CLOSED and row.params == {"title": {"n": "KD-20261202-0001"}}
    # The readable copy is in the platform's language, whoever wrote it.
    assert "已办结" in row.title and "KD-20261202-0001" in row.title
    assert "closed" not in row.title
    with translation.override("zh-hans"):
        assert "已办结" in item.shown_title and "KD-20261202-0001" in item.shown_title
    with translation.override("en"):
        assert item.shown_title == "Order KD-20261202-0001 is closed"
    # What the person typed stays as typed, in every language.
    with translation.override("en"):
        assert item.shown_body == "家里没人，改天再来"
    # The e-mail goes out in the recipient's language (the platform's: no preference on file).
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "已办结" in mail.outbox[0].subject


def test_inbox_page_and_api_follow_the_reader(client: Any, personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    _queue(personas, django_capture_on_commit_callbacks, title=Msg(CLOSED, n="KD-20261202-0001"))
    client.force_login(personas.resident)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/notify/").content.decode()
    assert "Order KD-20261202-0001 is closed" in page and "已办结" not in page
    api = client.get("/api/notify/inbox").json()
    assert api["items"][0]["title"] == "Order KD-20261202-0001 is closed"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get("/notify/").content.decode()
    assert "已办结" in page and "is closed" not in page


def test_rows_from_before_codes_keep_their_text(personas: Any) -> None:
    note = Notification.objects.create(recipient=personas.resident, kind="old", title="您的点单已受理")
    item = InboxItem.objects.create(user=personas.resident, notification=note, title=note.title)
    with translation.override("en"):
        assert item.shown_title == "您的点单已受理" and str(item) == "您的点单已受理"


def test_a_parameter_that_is_a_label_is_translated_too(personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    from civicloop.orders.models import Order

    item = _queue(
        personas, django_capture_on_commit_callbacks,
        title=Msg(gettext_noop("“%(title)s”: %(state)s"), title="敬老助餐", state=Order.Status.CLOSED.label),
    )
    with translation.override("en"):
        assert item.shown_title == "“敬老助餐”: Closed"
    with translation.override("zh-hans"):
        assert item.shown_title == "“敬老助餐”：已办结"


def test_a_catalogue_that_no_longer_fits_falls_back_to_the_code(personas: Any) -> None:
    # A stored row whose parameters do not fit its code (renamed placeholder) shows the code, not an error.
    assert Msg("Order %(n)s is closed", m="x").render("en") == "Order %(n)s is closed"
