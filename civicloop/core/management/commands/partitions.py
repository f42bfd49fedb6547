"""`manage.py partitions`: create the month partitions around today (the daily job does the same) and list them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from civicloop.core import partitions


class Command(BaseCommand):
    help = "Create the monthly partitions around today and list every partitioned table (PostgreSQL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--since", metavar="YYYY-MM", help="also create the months from this one (history loaded later)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: nothing is partitioned.")
            return
        since = None
        if options["since"]:
            try:
                since = dt.date.fromisoformat(options["since"] + "-01")
            except ValueError as exc:
                raise CommandError("--since takes a month such as 2019-03") from exc
        for name in partitions.partitions_ensure(since=since):
            self.stdout.write(f"created {name}")
        with connection.cursor() as cursor:
            for table, key, _is_date in partitions.partitioned_tables(cursor):
                parts = partitions.partitions_of(cursor, table)
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table + '_default')}")
                stray = cursor.fetchone()[0]
                self.stdout.write(
                    f"{table} by month of {key}: {len(parts)} partitions "
                    f"({parts[0]} … {parts[-1]}); {stray} rows in the default partition"
                )
