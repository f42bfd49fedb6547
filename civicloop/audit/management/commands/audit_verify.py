"""`manage.py audit_verify`: walk the audit hash chain; exit status 1 if a row was changed or removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain: a changed or removed row is reported and the command fails."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit_chain_verify()
        if problems:
            for problem in problems[:50]:
                self.stderr.write(problem)
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {checked} rows")
        head = AuditEvent.objects.order_by("-id").values_list("pk", "row_hash").first()
        chains = AuditEvent.objects.order_by().values("chain").distinct().count()
        where = f" in {chains} chain(s); newest #{head[0]} {head[1]}" if head else ""
        self.stdout.write(f"ok: {checked} rows chained{where}")
