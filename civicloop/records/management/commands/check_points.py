"""Prove that points balances reconcile with the ledgers; exit non-zero and list mismatches otherwise.

For every volunteer with points or hours: the account balance equals the sum of points entries; each earned
entry equals its ledger row's hours × rate (rounded down), each reversal cancels its earned entry; each
redemption has exactly one entry of minus its points.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum

from civicloop.records.models import PointsAccount, PointsEntry, Redemption, ServiceRecord
from civicloop.records.services import points_for_hours


class Command(BaseCommand):
    help = "Check that points balances reconcile with the points and hours ledgers."

    def handle(self, *args, **options) -> None:
        problems: list[str] = []
        sums = dict(PointsEntry.objects.values_list("volunteer_id").annotate(s=Sum("points")))
        balances = dict(PointsAccount.objects.values_list("volunteer_id", "balance"))
        for vid in set(sums) | set(balances):
            if sums.get(vid, 0) != balances.get(vid, 0):
                problems.append(
                    f"volunteer {vid}: balance {balances.get(vid, 0)} != ledger {sums.get(vid, 0)}"
                )
        earned = {
            e.record_id: e.points
            for e in PointsEntry.objects.filter(record__isnull=False).only("record_id", "points")
        }
        for rec in ServiceRecord.objects.only("id", "hours", "reverses_id").iterator(chunk_size=2000):
            expected = points_for_hours(rec.hours) if rec.hours > 0 else -points_for_hours(-rec.hours)
            got = earned.get(rec.pk, 0)
            if rec.reverses_id and got != -earned.get(rec.reverses_id, 0):
                problems.append(
                    f"record {rec.pk}: reversal takes {got} points, original earned {earned.get(rec.reverses_id, 0)}"
                )
            elif not rec.reverses_id and got != expected:
                problems.append(f"record {rec.pk}: {rec.hours} h earned {got} points, expected {expected}")
        for r in Redemption.objects.select_related("points_entry").iterator(chunk_size=2000):
            entry = getattr(r, "points_entry", None)
            if entry is None or entry.points != -r.points:
                problems.append(f"redemption {r.pk}: ledger entry missing or wrong")
        if problems:
            for p in problems:
                self.stdout.write(p)
            raise CommandError(f"{len(problems)} mismatches")
        self.stdout.write(
            self.style.SUCCESS(f"points reconcile for {len(set(sums) | set(balances))} volunteers")
        )
