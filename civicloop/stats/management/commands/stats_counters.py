"""Check the daily counters against a full recount (`--check`), or rebuild them (`--rebuild`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicloop.stats import services


class Command(BaseCommand):
    help = "Prove the pre-aggregated counters equal a full recount, or rebuild them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rebuild", action="store_true", help="replace the counters by a recount")

    def handle(self, *args: Any, rebuild: bool, **options: Any) -> None:
        if rebuild:
            self.stdout.write(f"rebuilt {services.counters_rebuild()} counter rows")
            return
        mismatches = services.counters_mismatches()
        if mismatches:
            for key, stored, fresh in mismatches:
                self.stdout.write(f"{key}: stored {stored}, recount {fresh}")
            raise CommandError("counters differ from the recount")
        self.stdout.write(self.style.SUCCESS("counters equal the recount"))
