"""`python -m bench.demo_seed`: how long the Kundulun demo orders take to seed (CPU and wall seconds).

This used to be an assertion in the test suite (< 30 s of CPU); a timing check flakes on a loaded machine, so it
is a bench figure instead. Runs on a throwaway SQLite file under bench/.var/demo-seed/ and prints one JSON line.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    var = ROOT / "bench" / ".var" / "demo-seed"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "civicloop.settings_bench"
    os.environ["CIVICLOOP_VAR_DIR"] = str(var)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from civicloop.demo import kundulun
    from civicloop.orders import demo

    call_command("migrate", verbosity=0)
    rng = random.Random(2019)
    today = timezone.localdate()
    kundulun.seed_base(rng=rng, today=today)
    cpu, wall = time.process_time(), time.time()
    demo.seed(rng=rng, today=today, scale=0)
    print(json.dumps({"demo_seed_cpu_s": round(time.process_time() - cpu, 1),
                      "demo_seed_wall_s": round(time.time() - wall, 1)}))  # fmt: skip


if __name__ == "__main__":
    main()
