"""contests_import_mail: a maildir of good, half-filled and garbage messages: the good ones are filed as submitted
entries with receipt numbers, the rest wait in the queue with a reason, nothing crashes, a second run files
nothing twice."""

from __future__ import annotations

import io
import mailbox
import zipfile
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from civicloop.contests.mailimport import docx_text
from civicloop.contests.models import Attachment, Entry, MailItem
from civicloop.contests.tests.conftest import CAPTION, jpeg

pytestmark = pytest.mark.django_db

MARKER = "全国精神文明建设经验交流·征文竞赛"
ESSAY = "我们社区开展文明创建，" * 60


def docx(paragraphs: list[str]) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>')
    return out.getvalue()


def pdf(lines: list[str]) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.setFont("STSong-Light", 10)
    for i, line in enumerate(lines):
        c.drawString(40, 800 - i * 14, line)
    c.save()
    return out.getvalue()


def message(subject: str, body: str, mid: str, attachments=()) -> bytes:
    m = EmailMessage()
    m["From"] = "author@example.com"
    m["To"] = "jswmb2016@163.com"
    m["Subject"] = subject
    m["Message-ID"] = f"<{mid}@example.com>"
    m.set_content(body)
    for name, data, maintype, subtype in attachments:
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return m.as_bytes()


AUTHOR = "作者：林小文\n地址：福建省漳州市芗城区胜利路1号\n邮编：363000\n电话：13905961234\n"


def test_docx_reader():
    assert docx_text(docx(["第一段", "第二段"])) == "第一段\n第二段"


def test_import_files_good_queues_rest_never_crashes(personas, essay_call, photo_call, tmp_path):
    photo_call.marker = "新闻图片摄影赛"
    photo_call.save()
    box = mailbox.Maildir(str(tmp_path / "mail"))
    # good: marker in the subject, author fields in the body, the essay in a .docx
    box.add(message(f"“{MARKER}”投稿：小区新风", AUTHOR, "good1",
                    [("小区新风.docx", docx(["小区新风", ESSAY]), "application",
                      "vnd.openxmlformats-officedocument.wordprocessingml.document")]))
    # good: the essay in the body, marker inside the text, title given
    box.add(message("投稿", f"{MARKER}\n题目：村里的路灯\n{AUTHOR}\n{ESSAY}", "good2"))
    # good: a photo entry with the caption in the body
    box.add(message("新闻图片摄影赛 春耕", f"{CAPTION}\n{AUTHOR}", "good3",
                    [("a.jpg", jpeg().read(), "image", "jpeg")]))
    # good: the essay as a PDF (text extracted with pypdf), the title from its first line
    box.add(message(f"{MARKER} 投稿", AUTHOR, "good4",
                    [("essay.pdf", pdf(["文明校园的一天"] + [ESSAY[i:i + 40] for i in range(0, 600, 40)]), "application", "pdf")]))
    # half-filled: no phone, no postcode
    box.add(message(f"{MARKER} 投稿", f"作者：王小明\n地址：包头市昆区\n{ESSAY}", "half1"))
    # half-filled: an attachment that claims to be .docx but is not
    box.add(message(f"{MARKER}", f"{AUTHOR}\n{ESSAY}", "half2", [("x.docx", b"garbage", "application", "octet-stream")]))
    # garbage: no marker; raw bytes; an empty message
    box.add(message("你好", "广告内容", "spam1"))
    box.add(b"\x00\xff\xfe not an e-mail at all \x81")
    box.add(b"")
    call_command("contests_import_mail", str(tmp_path / "mail"))
    filed = Entry.objects.filter(source="email", status="submitted")
    assert {e.title for e in filed} == {"小区新风", "村里的路灯", "春耕", "文明校园的一天"}
    first = filed.get(title="小区新风")
    assert first.number and first.author_name == "林小文" and first.author_phone == "13905961234"
    assert first.length >= 600 and Attachment.objects.filter(entry=first, name="小区新风.docx").exists()
    assert filed.get(title="春耕").camera == "Canon EOS 80D"
    queued = MailItem.objects.all()
    assert queued.count() == 5
    half = queued.get(message_id="<half1@example.com>")
    assert (half.entry is not None and half.entry.status == "draft" and "电话" in half.problem) or "phone" in half.problem
    assert "x.docx" in queued.get(message_id="<half2@example.com>").problem
    assert queued.filter(call__isnull=True).count() == 3
    # a second run files nothing twice
    call_command("contests_import_mail", str(tmp_path / "mail"))
    assert filed.get(title="文明校园的一天").length >= 500
    assert Entry.objects.filter(source="email").count() == 6
    assert MailItem.objects.count() == 5



def test_queue_page_scoped(personas, essay_call, tmp_path):
    from django.test import Client

    box = mailbox.Maildir(str(tmp_path / "mail"))
    box.add(message(f"{MARKER} 投稿", f"作者：王小明\n{ESSAY}", "half1"))
    box.add(message("你好", "广告内容", "spam1"))
    call_command("contests_import_mail", str(tmp_path / "mail"))

    def page(user):
        c = Client()
        c.force_login(user)
        return c, c.get("/contests/mail/")

    c, station = page(personas.station_staff)
    assert station.status_code == 200 and "王小明" not in station.content.decode()
    assert station.content.decode().count("mail/") >= 1
    assert len(station.context["page"].object_list) == 1  # its call's message, not the unrecognised one
    assert len(page(personas.office)[1].context["page"].object_list) == 2
    assert len(page(personas.sibling)[1].context["page"].object_list) == 0
    assert page(personas.resident)[1].status_code == 403
    item = MailItem.objects.get(call=essay_call)
    s, _r = page(personas.sibling)
    assert s.post(f"/contests/mail/{item.pk}/handled/").status_code == 404
    c.post(f"/contests/mail/{item.pk}/handled/")
    assert MailItem.objects.get(pk=item.pk).handled_at is not None


def test_queue_api_twin(personas, essay_call, tmp_path):
    from django.test import Client

    box = mailbox.Maildir(str(tmp_path / "mail"))
    box.add(message(f"{MARKER} 投稿", f"作者：王小明\n{ESSAY}", "half1"))
    call_command("contests_import_mail", str(tmp_path / "mail"))
    item = MailItem.objects.get()
    staff, sibling = Client(), Client()
    staff.force_login(personas.station_staff)
    sibling.force_login(personas.sibling)
    assert staff.get("/api/contests/mail").json()["count"] == 1
    assert sibling.get("/api/contests/mail").json()["count"] == 0
    assert sibling.post(f"/api/contests/mail/{item.pk}/handled", content_type="application/json").status_code == 404
    assert staff.post(f"/api/contests/mail/{item.pk}/handled", content_type="application/json").status_code == 200
    assert staff.post(f"/api/contests/mail/{item.pk}/handled", content_type="application/json").status_code == 409


def test_filed_entries_get_a_receipt_with_their_number_after_commit(
    personas, essay_call, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    box = mailbox.Maildir(str(tmp_path / "mail"))
    box.add(message(f"{MARKER} 投稿", f"题目：村里的路灯\n{AUTHOR}\n{ESSAY}", "r1"))
    half = EmailMessage()  # no phone, no postcode: queued for a person, no receipt yet
    half["From"], half["Subject"], half["Message-ID"] = "half@example.com", MARKER, "<r2@example.com>"
    half.set_content(f"作者：王小明\n{ESSAY}")
    box.add(half.as_bytes())
    auto = EmailMessage()  # an auto-responder's mail is filed, but never answered (no mail loops)
    auto["From"], auto["Subject"], auto["Message-ID"] = "robot@example.com", f"{MARKER} 投稿", "<r3@example.com>"
    auto["Auto-Submitted"] = "auto-generated"
    auto.set_content(f"题目：自动来稿\n{AUTHOR}\n{ESSAY}")
    box.add(auto.as_bytes())
    replyto = EmailMessage()
    replyto["From"], replyto["Reply-To"] = "office@example.com", "作者 <writer@example.org>"
    replyto["Subject"], replyto["Message-ID"] = f"{MARKER} 投稿", "<r4@example.com>"
    replyto.set_content(f"题目：楼道新风\n{AUTHOR}\n{ESSAY}")
    box.add(replyto.as_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("contests_import_mail", str(tmp_path / "mail"))
        assert mailoutbox == []  # nothing leaves before the commit
    lamp, hall = Entry.objects.get(title="村里的路灯"), Entry.objects.get(title="楼道新风")
    assert Entry.objects.filter(title="自动来稿", status="submitted").exists()
    assert sorted(m.to[0] for m in mailoutbox) == ["author@example.com", "writer@example.org"]
    receipt = next(m for m in mailoutbox if m.to == ["author@example.com"])
    assert lamp.number in receipt.subject and lamp.number in receipt.body and "村里的路灯" in receipt.body
    assert "来稿已收到" in receipt.subject or "Entry received" in receipt.subject
    assert receipt.extra_headers["Auto-Submitted"] == "auto-replied"
    assert hall.number in next(m for m in mailoutbox if m.to == ["writer@example.org"]).body
    # a second run files nothing and sends nothing again
    with django_capture_on_commit_callbacks(execute=True):
        call_command("contests_import_mail", str(tmp_path / "mail"))
    assert len(mailoutbox) == 2
