"""Load the Kundulun demo data (idempotent), or a large synthetic network with --scale for benchmarks.

The base (units, accounts, teams, volunteers, residents) comes from civicloop.demo.kundulun; then each app
that has a `demo` module adds its story in order: `seed(rng=..., today=..., scale=...)`.
"""

from __future__ import annotations

import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from civicloop.core.registry import demo_apps


class Command(BaseCommand):
    help = "Load the Kundulun demo data (running it twice is fine) and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--scale", type=int, default=0, help="synthetic stations to add for benchmarks (e.g. 250)"
        )
        parser.add_argument(
            "--volunteers", type=int, default=0, help="synthetic volunteers with --scale (e.g. 150000)"
        )
        parser.add_argument(
            "--residents",
            type=int,
            default=None,
            help="synthetic residents with --scale (default: volunteers / 3)",
        )
        parser.add_argument(
            "--seed", type=int, default=2019, help="random seed, so the demo is the same each time"
        )

    def handle(
        self, *args: Any, scale: int, volunteers: int, residents: int | None, seed: int, **options: Any
    ) -> None:
        from civicloop.demo import kundulun

        rng = random.Random(seed)
        today = timezone.localdate()
        if kundulun.already_seeded():
            self.stdout.write("Demo data already present; nothing to add.")
        else:
            with transaction.atomic():
                kundulun.seed_base(rng=rng, today=today)
                for app in demo_apps():
                    app.demo_module().seed(rng=rng, today=today, scale=0)
            self.stdout.write(self.style.SUCCESS("Kundulun demo data loaded."))
        if scale or volunteers:
            kundulun.seed_scale(
                rng=rng,
                today=today,
                stations=scale,
                volunteers=volunteers,
                residents=residents,
                stdout=self.stdout,
            )
            from civicloop.stats.services import counters_rebuild

            # Bulk rows bypass the services that keep the counters; recount them once.
            self.stdout.write(f"counters rebuilt: {counters_rebuild()} rows")
        from civicloop.people.models import User

        phone = User.objects.filter(username="resident").values_list("phone", flat=True).first() or ""
        self.stdout.write(kundulun.logins_text(resident_phone=phone))
