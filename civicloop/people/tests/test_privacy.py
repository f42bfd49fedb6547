"""Sensitive personal fields are encrypted at rest: a raw read of the tables finds no plaintext."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from civicloop.people.models import Resident
from civicloop.people.tests.helpers import id_number, resident_form


def _raw_dump(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return "\n".join(" | ".join("" if v is None else str(v) for v in row) for row in cursor.fetchall())


def test_raw_database_holds_no_plaintext_phone_id_or_address(client, personas):
    response = client.post(reverse("people:register_resident"), resident_form(personas.station))
    assert response.status_code == 302
    client.force_login(personas.station_staff)
    entered = {
        "name": "李桂兰",
        "phone": "13655556666",
        "unit": str(personas.station.pk),
        "id_number": id_number("15020319450203456"),
        "address": "河西村二组18号",
        "consent": "on",
    }
    assert client.post(reverse("people:resident_enter"), entered).status_code == 302
    dump = _raw_dump("people_resident") + _raw_dump("people_user") + _raw_dump("audit_auditevent")
    assert "王秀英" in dump  # the dump really holds the rows
    for secret in (
        "13712345678",
        "万和阳光社区5栋1单元302",
        "1948-03-15",
        "empty_nest_elderly",
        "13655556666",
        id_number("15020319450203456"),
        "河西村二组18号",
    ):
        assert secret not in dump, secret
    # ... while the application reads them back in full.
    assert Resident.objects.get(name="李桂兰").id_number == id_number("15020319450203456")


def test_lookup_by_phone_hash_finds_the_resident(personas):
    from civicloop.core.crypto import lookup_hash

    assert Resident.objects.get(phone_hash=lookup_hash("13812341234")).name == "张三"


@pytest.mark.django_db(transaction=True)
def test_sqlite_file_bytes_hold_no_plaintext(client, personas):
    """On SQLite, read the database file itself (and its write-ahead log) byte by byte."""
    if connection.vendor != "sqlite":
        pytest.skip("the file-level read applies to SQLite; the raw SQL read above covers PostgreSQL")
    response = client.post(reverse("people:register_resident"), resident_form(personas.station))
    assert response.status_code == 302
    path = Path(connection.settings_dict["NAME"])
    blob = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    assert "王秀英".encode() in blob  # the committed row is really in these bytes
    # Focus-group codes are checked in the table dump above, not here: the file legitimately holds them in
    # aggregate rows (orders' beneficiary group, daily counters) that say nothing about this person.
    for secret in ("13712345678", "万和阳光社区5栋1单元302", "1948-03-15"):
        assert secret.encode() not in blob, secret
