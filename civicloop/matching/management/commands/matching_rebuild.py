"""Rebuild the matching index (grid cells, availability, rating and response history) for every team."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rebuild the team matching index (run after bulk loads; the worker also refreshes it)."

    def handle(self, *args: Any, **options: Any) -> None:
        from civicloop.matching.services import team_index_refresh

        n = team_index_refresh()
        self.stdout.write(f"matching index: {n} teams")
