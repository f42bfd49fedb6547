"""`manage.py restore FILE [--check] [--yes]`: verify a backup and load it, replacing the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civicloop.core.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Verify a backup file (signature, checksums, decryption) and restore it over the current database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--check", action="store_true", help="only verify the file, change nothing")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the database")

    def handle(self, *args: Any, path: str, check: bool, yes: bool, **options: Any) -> None:
        file = Path(path)
        try:
            manifest = backup_verify(file)
            tables = len(manifest["tables"])
            rows = sum(manifest["tables"].values())
            self.stdout.write(
                f"ok: {manifest['engine']} backup of {manifest['created_at']}, {tables} tables, {rows} rows"
            )
            if check:
                return
            if (
                not yes
                and input("Replace the current database with this backup? [y/N] ").strip().lower() != "y"
            ):
                raise CommandError("not restored")
            backup_restore(path=file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("restored; every table's row count matches the manifest")
