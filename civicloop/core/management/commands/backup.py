"""`manage.py backup [--output DIR]`: an encrypted, consistent snapshot with a signed manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from civicloop.core.backup import backup_create


class Command(BaseCommand):
    help = "Write an encrypted backup of the database (SQLite online backup / pg_dump -Fc) with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(settings.VAR_DIR / "backups"), help="folder for the file")

    def handle(self, *args: Any, output: str, **options: Any) -> None:
        path = backup_create(output_dir=Path(output))
        self.stdout.write(str(path))
