"""Encrypted, consistent database backups and their restore (等保 2.0 L3 数据备份恢复).

A backup is one file: a tar holding `manifest.json` (engine, time, migrations, every table's row count, the
SHA-256 of the snapshot, signed with an HMAC) and `snapshot.enc` (the snapshot sealed in 1 MiB AES-256-GCM
chunks). The snapshot is the database as stored — personal fields stay Fernet ciphertext, nothing is
decrypted. Keys are derived from FIELD_ENCRYPTION_KEY, so a backup restores only where that key is configured
(which the personal fields need anyway).

SQLite: the online backup API copies a consistent image while the site runs. PostgreSQL: `pg_dump -Fc` from a
snapshot exported by the transaction that counts the rows, so the counts and the dump agree exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import os
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection, transaction

FORMAT = "civicloop-backup/1"
CHUNK = 1024 * 1024
MAGIC = b"CLBK1"


class BackupError(Exception):
    """A backup that cannot be trusted (wrong key, changed file, counts that do not match)."""


def _keys() -> tuple[bytes, bytes]:
    master = hashlib.sha256(settings.FIELD_ENCRYPTION_KEY.encode()).digest()
    enc = hmac.new(master, b"civicloop-backup-encryption", hashlib.sha256).digest()
    mac = hmac.new(master, b"civicloop-backup-manifest", hashlib.sha256).digest()
    return enc, mac


# --- sealing ---------------------------------------------------------------------------------------------------


def _seal(src: Path, dst: Path) -> str:
    """Encrypt src into dst in authenticated chunks; returns the SHA-256 of the plaintext."""
    enc, _ = _keys()
    aead = AESGCM(enc)
    prefix = os.urandom(8)
    digest = hashlib.sha256()
    with src.open("rb") as fin, dst.open("wb") as fout:
        fout.write(MAGIC + prefix)
        index = 0
        while True:
            block = fin.read(CHUNK)
            last = len(block) < CHUNK
            digest.update(block)
            nonce = prefix + struct.pack(">I", index)
            # The chunk number and a last-chunk flag are authenticated: chunks cannot be reordered or cut off.
            sealed = aead.encrypt(nonce, block, struct.pack(">I?", index, last))
            fout.write(struct.pack(">I", len(sealed)) + sealed)
            index += 1
            if last:
                break
    return digest.hexdigest()


def _unseal(src: Any, dst: Path) -> str:
    enc, _ = _keys()
    aead = AESGCM(enc)
    head = src.read(len(MAGIC) + 8)
    if not head.startswith(MAGIC):
        raise BackupError("not a CivicLoop backup snapshot")
    prefix = head[len(MAGIC) :]
    digest = hashlib.sha256()
    index = 0
    with dst.open("wb") as fout:
        while True:
            size_raw = src.read(4)
            if len(size_raw) < 4:
                raise BackupError("the snapshot is cut short")
            sealed = src.read(struct.unpack(">I", size_raw)[0])
            nonce = prefix + struct.pack(">I", index)
            block = None
            for last in (False, True):
                try:
                    block = aead.decrypt(nonce, sealed, struct.pack(">I?", index, last))
                    break
                except Exception:
                    continue
            if block is None:
                raise BackupError("the snapshot does not decrypt: wrong key or a changed file")
            digest.update(block)
            fout.write(block)
            index += 1
            if last:
                break
    return digest.hexdigest()


def _sign(manifest: dict[str, Any]) -> str:
    _, mac = _keys()
    body = json.dumps({k: v for k, v in manifest.items() if k != "signature"}, sort_keys=True).encode()
    return hmac.new(mac, body, hashlib.sha256).hexdigest()


# --- what is in the database ---------------------------------------------------------------------------------


def tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(n for n in names if not n.startswith("sqlite_"))


def row_counts(cursor: Any = None) -> dict[str, int]:
    qn = connection.ops.quote_name
    counts = {}
    own = cursor is None
    cursor = cursor or connection.cursor()
    try:
        for name in tables():
            cursor.execute(f"SELECT COUNT(*) FROM {qn(name)}")
            counts[name] = cursor.fetchone()[0]
    finally:
        if own:
            cursor.close()
    return counts


def fingerprint() -> dict[str, str]:
    """Per table, a SHA-256 over every row in primary-key order: equal before a backup and after its restore."""
    qn = connection.ops.quote_name
    result = {}
    with connection.cursor() as cursor:
        for name in tables():
            cursor.execute(f"SELECT * FROM {qn(name)} ORDER BY 1")
            digest = hashlib.sha256()
            for row in cursor.fetchall():
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
            result[name] = digest.hexdigest()
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _migrations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{a}.{n}" for a, n in cursor.fetchall()]


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


# --- backup ----------------------------------------------------------------------------------------------------


def backup_create(*, output_dir: Path) -> Path:
    """Write an encrypted backup file into output_dir and return its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(dir=output_dir) as tmp:
        raw = Path(tmp) / "snapshot"
        if vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(raw)
            try:
                connection.connection.backup(target)  # online backup API: a consistent image
            finally:
                target.close()
            check = sqlite3.connect(raw)
            try:
                counts = {n: check.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in tables()}
            finally:
                check.close()
        elif vendor == "postgresql":
            args, env = _pg_env()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                counts = row_counts(cursor)
                subprocess.run(
                    [
                        "pg_dump",
                        "-Fc",
                        "--no-owner",
                        "--no-acl",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(raw),
                        *args,
                    ],
                    check=True,
                    env=env,
                    capture_output=True,
                )
        else:
            raise BackupError(f"no backup method for {vendor}")
        sealed = Path(tmp) / "snapshot.enc"
        plain_sha = _seal(raw, sealed)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "engine": vendor,
            "created_at": now.isoformat(),
            "migrations": _migrations(),
            "tables": counts,
            "snapshot_sha256": plain_sha,
            "snapshot_bytes": raw.stat().st_size,
            "sealed_sha256": hashlib.sha256(sealed.read_bytes()).hexdigest(),
        }
        manifest["signature"] = _sign(manifest)
        out = output_dir / f"civicloop-{vendor}-{now:%Y%m%dT%H%M%SZ}.clbk"
        with tarfile.open(out, "w") as tar:
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
            tar.add(sealed, arcname="snapshot.enc")
    out.chmod(0o600)
    return out


def backup_manifest(path: Path) -> dict[str, Any]:
    """The manifest, after checking its signature (a changed manifest or another key fails here)."""
    with tarfile.open(path, "r") as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise BackupError("the backup has no manifest")
        manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError("unknown backup format")
    if not hmac.compare_digest(manifest.get("signature", ""), _sign(manifest)):
        raise BackupError("the manifest signature does not match: wrong key or a changed backup")
    return manifest


def backup_verify(path: Path) -> dict[str, Any]:
    """Check signature, sealed checksum and that the snapshot decrypts to its recorded checksum."""
    manifest = backup_manifest(path)
    with tempfile.TemporaryDirectory() as tmp:
        _extract(path, manifest, Path(tmp) / "snapshot")
    return manifest


def _extract(path: Path, manifest: dict[str, Any], dst: Path) -> None:
    with tarfile.open(path, "r") as tar:
        member = tar.extractfile("snapshot.enc")
        if member is None:
            raise BackupError("the backup has no snapshot")
        data = member.read()
    if hashlib.sha256(data).hexdigest() != manifest["sealed_sha256"]:
        raise BackupError("the snapshot checksum does not match the manifest")
    if _unseal(io.BytesIO(data), dst) != manifest["snapshot_sha256"]:
        raise BackupError("the decrypted snapshot does not match the manifest")


def backup_restore(*, path: Path) -> dict[str, Any]:
    """Replace the database with the backup (verified first), then check every table's row count."""
    manifest = backup_manifest(path)
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"this backup is for {manifest['engine']}, the database is {connection.vendor}")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "snapshot"
        _extract(path, manifest, raw)
        if connection.vendor == "sqlite":
            source = sqlite3.connect(raw)
            try:
                connection.ensure_connection()
                source.backup(connection.connection)  # page-by-page copy into the live database
            finally:
                source.close()
        else:
            args, env = _pg_env()
            connection.close()
            # Not `pg_restore --clean`: it drops each partition's inherited keys one by one, which PostgreSQL
            # refuses. The schema is emptied and refilled in one psql transaction instead, so a failed restore
            # leaves the database as it was.
            script = Path(tmp) / "restore.sql"
            steps = [
                ["pg_restore", "--no-owner", "--no-acl", "--file", str(script), str(raw)],
                [
                    "psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1",
                    "--command", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;", "--file", str(script), *args,
                ],
            ]
            for command in steps:
                result = subprocess.run(command, env=env, capture_output=True, text=True)
                if result.returncode != 0:
                    raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
    counts = row_counts()
    if counts != manifest["tables"]:
        diff = {t: (manifest["tables"].get(t), counts.get(t)) for t in set(counts) | set(manifest["tables"])}
        diff = {t: v for t, v in diff.items() if v[0] != v[1]}
        raise BackupError(f"row counts differ after restore: {diff}")
    return manifest
