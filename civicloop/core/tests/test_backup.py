"""Backup → wipe → restore drill, on whichever database the tests run (SQLite and PostgreSQL in CI)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from civicloop.core import backup
from civicloop.people.models import Resident
from conftest import build_personas

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_wipe_restore_gives_back_every_row(tmp_path: Path) -> None:
    build_personas()
    before_counts, before_print = backup.row_counts(), backup.fingerprint()
    assert before_counts["people_resident"] == 1
    path = backup.backup_create(output_dir=tmp_path)
    manifest = backup.backup_manifest(path)
    assert manifest["tables"] == before_counts and manifest["engine"] in ("sqlite", "postgresql")

    call_command("flush", interactive=False, verbosity=0)  # the wipe
    assert Resident.objects.count() == 0

    call_command("restore", str(path), "--yes", verbosity=0)
    assert backup.row_counts() == before_counts
    assert backup.fingerprint() == before_print
    resident = Resident.objects.get()
    assert resident.phone == "13812341234"  # personal fields decrypt with the same key after the restore


def test_backup_keeps_personal_fields_encrypted(tmp_path: Path) -> None:
    build_personas()
    path = backup.backup_create(output_dir=tmp_path)
    raw = path.read_bytes()
    for clear in (b"13812341234", "万和阳光社区3栋2单元501".encode(), b"empty_nest_elderly"):
        assert clear not in raw
    out = tmp_path / "snapshot"
    manifest = backup.backup_manifest(path)
    backup._extract(path, manifest, out)
    assert b"13812341234" not in out.read_bytes()  # the snapshot itself holds ciphertext only


def test_a_changed_backup_or_another_key_is_refused(tmp_path: Path, settings) -> None:
    build_personas()
    path = backup.backup_create(output_dir=tmp_path)
    # change one byte of the sealed snapshot
    tampered = tmp_path / "tampered.clbk"
    with tarfile.open(path) as tar:
        manifest = tar.extractfile("manifest.json").read()
        sealed = bytearray(tar.extractfile("snapshot.enc").read())
    sealed[len(sealed) // 2] ^= 0x01
    with tarfile.open(tampered, "w") as tar:
        for name, data in (("manifest.json", manifest), ("snapshot.enc", bytes(sealed))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            import io

            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tampered), "--check")
    # a manifest edited to hide rows
    doc = json.loads(manifest)
    doc["tables"]["people_resident"] = 0
    assert doc["signature"] != backup._sign(doc)
    settings.FIELD_ENCRYPTION_KEY = "another-key"
    with pytest.raises(CommandError, match="signature"):
        call_command("restore", str(path), "--check")
    assert Resident.objects.count() == 1  # nothing was touched
