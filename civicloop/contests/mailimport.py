"""Entries that arrive by e-mail (the essay call's two mailboxes): read a maildir, an mbox or a folder of .eml files
with the standard library, recognise the call by its title marker, read the author fields (姓名、地址、邮编、电话),
take the text from the message or its .docx/.pdf/.txt attachment and photos for photo calls, then file a
submitted entry — or put the message in the queue (`MailItem`) for a person, with the reason. One message never
stops the others: anything unreadable is queued, not raised.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import mailbox
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from civicloop.contests import services
from civicloop.contests.models import Attachment, Call, Entry, MailItem
from civicloop.contests.text import count_zi
from civicloop.core.exceptions import Conflict

MAX_MESSAGE = 30 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FIELDS = {
    "author_name": re.compile(r"(?:作者|姓名)\s*[:：]\s*([^\s,，;；]{2,20})"),
    "author_address": re.compile(r"(?:通讯)?地址\s*[:：]\s*([^\n;；]{4,100})"),
    "author_postcode": re.compile(r"邮\s*编\s*[:：]?\s*(\d{6})"),
    "author_phone": re.compile(r"(?:电话|手机|联系方式)\s*[:：]\s*(\+?[\d\-\s]{7,20}\d)"),
    "organisation": re.compile(r"(?:单位|工作单位)\s*[:：]\s*([^\n;；]{2,60})"),
    "title": re.compile(r"(?:题目|标题)\s*[:：]\s*([^\n]{2,100})"),
    "category": re.compile(r"(?:类别|类型|栏目)\s*[:：]\s*([^\s,，;；]{2,20})"),
}
_FIELD_LINE = re.compile(r"^\s*(?:作者|姓名|通讯地址|地址|邮编|邮政编码|电话|手机|联系方式|单位|工作单位|题目|标题)\s*[:：].*$",
                         re.MULTILINE)


def _squash(text: str) -> str:
    """Text for marker matching: no spaces, quotes or 《》 (senders quote the contest's name in many ways)."""
    return re.sub(r"[\s\"'“”‘’「」『』《》〈〉·•・]", "", text or "")


def docx_text(data: bytes) -> str:
    """The paragraphs of a .docx (word/document.xml), without python-docx: a .docx is a zip of XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = ElementTree.fromstring(z.read("word/document.xml"))
    paragraphs = []
    for p in root.iter(f"{_W}p"):
        paragraphs.append("".join(t.text or "" for t in p.iter(f"{_W}t")))
    return "\n".join(paragraphs).strip()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join((page.extract_text() or "") for page in reader.pages[:50]).strip()


def txt_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).strip()
        except UnicodeDecodeError:
            continue
    raise ValueError("undecodable text")


def messages_in(path: Path) -> Iterator[bytes]:
    """Raw messages from a maildir (cur/new), an mbox file, or a folder of .eml files."""
    if path.is_dir() and (path / "cur").is_dir():
        box: Any = mailbox.Maildir(str(path), factory=None, create=False)
        for key in sorted(box.keys()):
            yield box.get_bytes(key)
    elif path.is_dir():
        for f in sorted(path.glob("*.eml")):
            yield f.read_bytes()
    else:
        box = mailbox.mbox(str(path), create=False)
        for key in box.iterkeys():
            yield box.get_bytes(key)


def _find_call(text: str, calls: list[Call]) -> Call | None:
    squashed = _squash(text)
    for call in calls:
        if call.marker and _squash(call.marker) in squashed:
            return call
    return None


def _key(raw: bytes, msg: Any = None) -> str:
    """The message's Message-ID, or a digest of its bytes when it has none (so a re-run skips it too)."""
    try:
        mid = str(msg.get("Message-ID", "") or "").strip()[:250] if msg is not None else ""
    except Exception:
        mid = ""
    return mid or "sha256:" + hashlib.sha256(raw).hexdigest()


def _queue(raw: bytes, problem: str, msg: Any = None, call: Call | None = None, entry: Entry | None = None) -> MailItem:
    def header(name: str) -> str:
        try:
            return str(msg.get(name, "") or "")[:250] if msg is not None else ""
        except Exception:  # a broken header must not stop the queueing
            return ""

    return MailItem.objects.create(
        call=call, entry=entry, message_id=_key(raw, msg), sender=header("From"), subject=header("Subject"),
        problem=problem[:250], raw=raw[:MAX_MESSAGE],
    )


def _parts(msg: Any) -> tuple[str, list[tuple[str, bytes]]]:
    body, files = "", []
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if name:
            files.append((name, part.get_payload(decode=True) or b""))
        elif part.get_content_type() == "text/plain" and not body:
            body = part.get_content()
    return body, files


def import_message(raw: bytes, *, calls: list[Call]) -> tuple[str, Any]:
    """File one message: ("filed", entry), ("queued", mail item) or ("skipped", None) for one already filed."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        subject = str(msg.get("Subject", "") or "")
    except Exception:
        msg, subject = None, ""
    message_id = _key(raw, msg)
    if Entry.objects.filter(message_id=message_id).exists() or MailItem.objects.filter(message_id=message_id).exists():
        return "skipped", None
    if msg is None:
        return "queued", _queue(raw, _("The message cannot be read."))
    try:
        body, files = _parts(msg)
    except Exception:
        return "queued", _queue(raw, _("The message cannot be read."), msg)
    texts: list[tuple[str, str]] = []
    photos: list[tuple[str, bytes]] = []
    unreadable: list[str] = []
    for name, data in files:
        lower = name.lower()
        try:
            if lower.endswith(".docx"):
                texts.append((name, docx_text(data)))
            elif lower.endswith(".pdf"):
                texts.append((name, pdf_text(data)))
            elif lower.endswith(".txt"):
                texts.append((name, txt_text(data)))
            elif lower.endswith((".jpg", ".jpeg", ".png")):
                photos.append((name, data))
            else:
                unreadable.append(name)
        except Exception:
            unreadable.append(name)
    everything = "\n".join([subject, body, *(t for _n, t in texts)])
    call = _find_call(everything, calls)
    if call is None:
        return "queued", _queue(raw, _("No call's title marker was found."), msg)
    data: dict[str, Any] = {}
    for field, pattern in _FIELDS.items():
        found = pattern.search(body) or next((m for _n, t in texts if (m := pattern.search(t))), None)
        if found:
            data[field] = found.group(1).strip()
    essay = max((t for _n, t in texts), key=count_zi, default="")
    if count_zi(essay) < count_zi(body) / 2 or not essay:
        essay = _FIELD_LINE.sub("", body)
    if call.marker:
        essay = essay.replace(call.marker, "").strip()
    if "title" not in data:
        cleaned = _squash(subject).replace(_squash(call.marker), "") if call.marker else subject
        cleaned = re.sub(r"^(?:投稿|来稿|征文)?[\-—:：()（）【】\[\]]*|[\-—:：()（）【】\[\]]+$", "", cleaned)
        data["title"] = cleaned[:120] or (essay.splitlines()[0][:60] if essay else _("(untitled e-mail entry)"))
    data["body"] = essay if call.kind != Call.Kind.PHOTO else ""
    if call.kind == Call.Kind.PHOTO:
        data["caption"] = _FIELD_LINE.sub("", body).strip()[:2000]
    photo = SimpleUploadedFile(photos[0][0], photos[0][1]) if photos and call.kind == Call.Kind.PHOTO else None
    try:
        entry = services.entry_save(call=call, actor=None, data=data, source=Entry.Source.EMAIL, photo=photo)
    except (ValidationError, Conflict) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [exc.message]
        return "queued", _queue(raw, "; ".join(messages), msg, call)
    with transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(message_id=message_id)
        entry.message_id = message_id
        for name, text in texts:
            att = Attachment(entry=entry, name=name[:200], text=text)
            original = next(d for n, d in files if n == name)
            att.file.save(name[-100:], ContentFile(original), save=False)
            att.save()
    problems = services.entry_problems(entry)
    if unreadable:
        problems.append(_("Attachments we could not read: %(names)s") % {"names": "、".join(unreadable)[:150]})
    if problems:
        return "queued", _queue(raw, "; ".join(str(p) for p in problems), msg, call, entry)
    from civicloop.contests.workflow import ENTRY

    try:
        with transaction.atomic():  # not WF.run: the import may itself run inside a transaction (the demo)
            ENTRY.apply("submit", entry, actor=None, skip_actor_check=True)
            entry.refresh_from_db()
            _receipt(msg, entry)  # sent once this transaction commits, never for an entry rolled back
    except (ValidationError, Conflict) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [exc.message]
        return "queued", _queue(raw, "; ".join(messages), msg, call, entry)
    return "filed", entry


def _reply_address(msg: Any) -> str:
    """Where the receipt goes: Reply-To, else From; nothing for automatic mail (RFC 3834) or list traffic, so
    two auto-responders never answer each other."""
    from email.utils import parseaddr

    from django.conf import settings

    try:
        auto = str(msg.get("Auto-Submitted", "no") or "no").strip().lower()
        precedence = str(msg.get("Precedence", "") or "").strip().lower()
        raw = str(msg.get("Reply-To", "") or msg.get("From", "") or "")
    except Exception:  # a broken header: no receipt rather than no entry
        return ""
    if auto != "no" or precedence in {"bulk", "list", "junk"}:
        return ""
    address = parseaddr(raw)[1]
    return "" if address.lower() == settings.DEFAULT_FROM_EMAIL.lower() else address


def _receipt(msg: Any, entry: Entry) -> None:
    """The e-mailed entry's receipt with its number, in the platform's language (Chinese by default)."""
    from django.conf import settings
    from django.utils import translation

    from civicloop.notify.services import notify_address_after_commit

    address = _reply_address(msg)
    if not address:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Entry received: %(number)s") % {"number": entry.number}
        body = _(
            "“%(title)s” has reached “%(call)s”. Your receipt number is %(number)s: please quote it in any "
            "question about your entry.%(contact)s\n\nThis is an automatic reply."
        ) % {
            "title": entry.title, "call": entry.call.title, "number": entry.number,
            "contact": (_(" Questions: %(contact)s.") % {"contact": entry.call.contact}) if entry.call.contact else "",
        }
    notify_address_after_commit(address=address, subject=str(subject), body=str(body), auto_reply=True)


def mail_import(path: Path, *, call: Call | None = None) -> dict[str, int]:
    calls = [call] if call is not None else list(Call.objects.filter(status="open").exclude(marker=""))
    counts = {"filed": 0, "queued": 0, "skipped": 0}
    for raw in messages_in(path):
        try:
            outcome, _obj = import_message(raw, calls=calls)
        except Exception:  # the last net: one bad message never stops the import
            _queue(raw, _("The message cannot be read."))
            outcome = "queued"
        counts[outcome] += 1
    return counts
