"""manage.py contests_import_mail <maildir|mbox|folder of .eml> [--call ID]: file e-mailed entries, queue the rest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicloop.contests.mailimport import mail_import
from civicloop.contests.models import Call


class Command(BaseCommand):
    help = "Import e-mailed entries from a maildir, an mbox file or a folder of .eml files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--call", type=int, help="file every message into this call (otherwise by marker)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        call = None
        if options.get("call"):
            call = Call.objects.filter(pk=options["call"]).first()
            if call is None:
                raise CommandError("no such call")
        counts = mail_import(path, call=call)
        self.stdout.write(f"filed {counts['filed']}, queued {counts['queued']}, already seen {counts['skipped']}")
