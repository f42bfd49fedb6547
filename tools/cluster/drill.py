"""`make cluster-drill`: faults under load on the running `make cluster`, then the invariants a province relies on.

Load (bounded, seeded): residents submit orders and team leaders race to claim open orders, through haproxy and
the API (bearer tokens). While it runs: app server 1 is killed (SIGKILL, master and workers), worker 1 is killed,
and Redis is restarted. Afterwards, with the killed parts started again:

1. every acknowledged write is present (each 201 submission's order exists on the primary);
2. no claim has two winners (at most one 200 per order, at most one claim event per order, and the winning
   team is the one that was told it won);
3. every notification queued during the drill is delivered exactly once (one inbox item each, and the drill
   channel saw each id once);
4. the periodic jobs ran once per period (no period claimed twice, none missed while a worker was alive);
5. replica reads converge (the standby catches up and counts the same orders as the primary).

Exit status 0 when all hold. Run with the cluster's environment (`eval "$(tools/cluster/cluster.sh env)"`).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent.parent
DIR = Path(os.environ.get("CLUSTER_DIR", "/var/tmp/civicloop-cluster"))
LB = urlparse(os.environ.get("CLUSTER_LB", "http://127.0.0.1:18000"))
SUBMITTERS = int(os.environ.get("DRILL_SUBMITTERS", 6))
SUBMITS_EACH = int(os.environ.get("DRILL_SUBMITS", 20))
CLAIMERS = int(os.environ.get("DRILL_CLAIMERS", 5))
OPEN_ORDERS = int(os.environ.get("DRILL_OPEN_ORDERS", 40))
MIN_UP_SECONDS = int(os.environ.get("DRILL_MIN_UP_SECONDS", 150))
rng = random.Random(2019)


def log(msg: str) -> None:
    print(f"[drill {time.strftime('%H:%M:%S', time.gmtime())} UTC] {msg}", flush=True)


def setup_django() -> None:
    # Fixtures and checks talk to the primary and the standby directly, not through pgbouncer or the cache.
    os.environ["DATABASE_URL"] = os.environ["CLUSTER_PRIMARY_URL"]
    os.environ["DATABASE_REPLICA_URL"] = os.environ["CLUSTER_REPLICA_DIRECT_URL"]
    os.environ.pop("DATABASE_TRANSACTION_POOLING", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicloop.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fixtures(
    submitters: int = SUBMITTERS, claimers: int = CLAIMERS, open_orders: int = OPEN_ORDERS
) -> dict[str, Any]:
    from django.utils import timezone

    from civicloop.core.crypto import token_digest
    from civicloop.network.models import Unit
    from civicloop.orders.models import Order
    from civicloop.people.models import ApiToken, Resident, Team, User

    now = timezone.now()
    tag = secrets.token_hex(3)
    station = Unit.objects.filter(kind="practice", depth=3, is_active=True).order_by("path").first()
    assert station is not None, "no station: is the cluster seeded?"

    def token(user: Any) -> str:
        raw = secrets.token_urlsafe(24)
        ApiToken.objects.create(user=user, token_hash=token_digest(raw), name="drill")
        return raw

    residents = []
    for i in range(submitters):
        u = User.objects.create(username=f"drill_{tag}_r{i}", password="!", full_name=f"演练居民{i}")
        Resident.objects.create(
            user=u, unit=station, unit_path=station.path, name=u.full_name, consent_at=now
        )
        residents.append(token(u))
    leaders, teams = [], []
    for i in range(claimers):
        u = User.objects.create(username=f"drill_{tag}_l{i}", password="!", full_name=f"演练队长{i}")
        team = Team.objects.create(
            name=f"演练接单队{tag}{i}", team_type="party_member", home_unit=station, unit_path=station.path,
            categories=["lecture", "education", "science", "culture", "health", "media"], leader=u,
            capacity=1000, created_at=now,
        )  # fmt: skip
        team.served_units.add(station)
        leaders.append(token(u))
        teams.append(team.pk)
    requester = Resident.objects.filter(unit=station).first()
    numbers = [f"DR{tag}{i:04d}" for i in range(open_orders)]
    Order.objects.bulk_create(
        [
            Order(
                number=n,
                category="health",
                title=f"演练上门量血压 {n}",
                requester=requester,
                unit=station,
                unit_path=station.path,
                status="open",
                lat=station.lat,
                lng=station.lng,
            )
            for n in numbers
        ]
    )
    return {"residents": residents, "leaders": leaders, "teams": teams, "open": numbers}


class Client:
    def __init__(self, token: str) -> None:
        self.token = token
        self.conn: http.client.HTTPConnection | None = None

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """(status, JSON) or (0, {}) when no answer came back (connection reset by a killed server)."""
        data = json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                   "Host": "127.0.0.1"}  # fmt: skip
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(LB.hostname, LB.port, timeout=60)
            self.conn.request("POST", path, data, headers)
            response = self.conn.getresponse()
            raw = response.read()
            try:
                payload = json.loads(raw) if raw else {}
            except ValueError:
                payload = {}
            return response.status, payload
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return 0, {}


def sh(*args: str) -> None:
    subprocess.run(["bash", str(ROOT / "tools" / "cluster" / "cluster.sh"), *args], check=True, cwd=ROOT)


def kill_pidfile(name: str) -> None:
    pid = int((DIR / f"{name}.pid").read_text())
    try:
        if os.getpgid(pid) == pid:  # its own process group: the master and its workers, no chance to finish
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    (DIR / f"{name}.pid").unlink(missing_ok=True)


def load(fx: dict[str, Any]) -> dict[str, Any]:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    total = SUBMITTERS * SUBMITS_EACH + CLAIMERS * len(fx["open"])
    done = Counter()
    lock = threading.Lock()
    acked: list[str] = []
    unanswered = Counter()
    codes = Counter()
    claims: list[tuple[str, int, int]] = []  # (order, team, status)

    def tick(kind: str, status: int) -> None:
        with lock:
            done["n"] += 1
            codes[f"{kind} {status}"] += 1
            if status in (0, 502, 503, 504):
                unanswered[kind] += 1

    def submitter(token: str) -> None:
        client = Client(token)
        for i in range(SUBMITS_EACH):
            status, body = client.post(
                "/api/orders/",
                {"category": "health", "title": f"演练点单 {i}", "beneficiaries": 1,
                 "wanted_from": f"{tomorrow}T09:00:00+08:00", "wanted_to": f"{tomorrow}T11:00:00+08:00"},
            )  # fmt: skip
            if status == 201:
                with lock:
                    acked.append(body["number"])
            tick("submit", status)

    def claimer(token: str, team: int, order: list[str]) -> None:
        client = Client(token)
        for number in order:
            status, _body = client.post(f"/api/orders/{number}/claim", {"team_id": team})
            with lock:
                claims.append((number, team, status))
            tick("claim", status)

    threads = [threading.Thread(target=submitter, args=(t,)) for t in fx["residents"]]
    for token, team in zip(fx["leaders"], fx["teams"], strict=True):
        order = list(fx["open"])
        rng.shuffle(order)
        threads.append(threading.Thread(target=claimer, args=(token, team, order)))
    for t in threads:
        t.start()

    faults = [(0.25, "kill app server 1"), (0.45, "kill worker 1"), (0.65, "restart redis")]
    while faults:
        time.sleep(0.05)
        with lock:
            progress = done["n"] / total
        if progress >= faults[0][0]:
            _at, what = faults.pop(0)
            log(f"{what} at {progress:.0%} of the load")
            if what == "kill app server 1":
                kill_pidfile("app1")
            elif what == "kill worker 1":
                kill_pidfile("worker1")
            else:
                sh("stop-redis")
                time.sleep(1)
                sh("start-redis")
        if not any(t.is_alive() for t in threads):
            break
    for t in threads:
        t.join()
    return {"acked": acked, "claims": claims, "codes": dict(codes), "unanswered": dict(unanswered)}


def wait_for(what: str, check: Any, limit: float) -> bool:
    stop = time.monotonic() + limit
    while time.monotonic() < stop:
        if check():
            return True
        time.sleep(0.5)
    log(f"gave up waiting for {what}")
    return False


def main() -> int:
    setup_django()
    from django.db import close_old_connections, connections
    from django.db.models import Count
    from django.utils import timezone

    from civicloop.core.db_router import replica_lag
    from civicloop.core.models import PeriodicRun
    from civicloop.notify.models import InboxItem, Notification
    from civicloop.orders.models import Order, OrderEvent

    started_at = timezone.now()
    first_notification = (Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    sent_log = Path(os.environ.get("CIVICLOOP_DRILL_SENT_LOG", DIR / "sent.log"))
    t0 = time.monotonic()
    fx = fixtures()
    connections.close_all()
    log(
        f"load: {SUBMITTERS}×{SUBMITS_EACH} submissions, {CLAIMERS} leaders racing for {OPEN_ORDERS} open orders"
    )
    result = load(fx)
    log(f"load done in {time.monotonic() - t0:.0f} s: {result['codes']}")
    log("starting the killed app server and worker again")
    sh("start-app", "1")
    sh("start-worker", "1")
    close_old_connections()
    # The periodic check needs the workers to have lived through a few periods of the minutely jobs.
    up_since = float((DIR / "started_at").read_text()) if (DIR / "started_at").exists() else time.time()
    if time.time() - up_since < MIN_UP_SECONDS:
        log(f"letting the workers run until they have been up {MIN_UP_SECONDS} s")
        time.sleep(MIN_UP_SECONDS - (time.time() - up_since))

    failures: list[str] = []

    # 1. acknowledged writes
    acked = set(result["acked"])
    present = set(Order.objects.filter(number__in=acked).values_list("number", flat=True))
    if present != acked or not acked:
        failures.append(
            f"acknowledged submissions missing: {sorted(acked - present)[:10]} (acked {len(acked)})"
        )
    log(f"1. {len(present)}/{len(acked)} acknowledged submissions present; unanswered {result['unanswered']}")

    # 2. one winner per claim
    wins = Counter(n for n, _team, status in result["claims"] if status == 200)
    told = {n: team for n, team, status in result["claims"] if status == 200}
    events = dict(
        OrderEvent.objects.filter(order__number__in=fx["open"], action="claim")
        .values_list("order__number")
        .annotate(n=Count("id"))
    )
    holders = dict(Order.objects.filter(number__in=fx["open"]).values_list("number", "team_id"))
    doubles = [n for n in fx["open"] if wins[n] > 1 or events.get(n, 0) > 1]
    wrong = [n for n, team in told.items() if holders.get(n) != team]
    if doubles or wrong:
        failures.append(f"claims with two winners {doubles[:10]}, told-won-but-not-holder {wrong[:10]}")
    log(
        f"2. {len(told)}/{len(fx['open'])} orders claimed, {len(doubles)} with two winners, {len(wrong)} mismatched"
    )

    # 3. notifications delivered exactly once
    drill_rows = Notification.objects.filter(pk__gte=first_notification)
    wait_for("the outbox to drain", lambda: not drill_rows.filter(delivered_at__isnull=True).exists(), 180)
    queued = set(drill_rows.values_list("pk", flat=True))
    pending = drill_rows.filter(delivered_at__isnull=True).count()
    inbox = Counter(
        InboxItem.objects.filter(notification_id__in=queued).values_list("notification_id", flat=True)
    )
    attempts = Counter(
        int(line) for line in sent_log.read_text().split() if line.isdigit() and int(line) >= first_notification
    ) if sent_log.exists() else Counter()  # fmt: skip
    delivered_dir = sent_log.parent / "sent"
    not_delivered = [pk for pk in queued if not (delivered_dir / str(pk)).exists()]
    repeats = sum(n - 1 for n in attempts.values() if n > 1)
    bad_inbox = [pk for pk in queued if inbox[pk] != 1]
    if pending or not_delivered or bad_inbox or not queued:
        failures.append(
            f"notifications: {pending} pending, {len(not_delivered)} never delivered, {len(bad_inbox)} inbox != 1"
        )
    log(
        f"3. {len(queued)} notifications queued: {pending} pending, {len(not_delivered)} undelivered, "
        f"{len(bad_inbox)} with other than one inbox item; {repeats} gateway retries recognised by id"
    )

    # 4. periodic jobs once per period, over the time the workers have been up (at most the last 10 minutes)
    from django.conf import settings

    from civicloop.core.periodic import slot_of

    ended_at = timezone.now()
    up_since = float((DIR / "started_at").read_text()) if (DIR / "started_at").exists() else time.time() - 60
    window_start = max(up_since, started_at.timestamp() - 600)
    for job, every in settings.PERIODIC_JOBS:
        if every > 600:
            continue
        first = -(-int(window_start) // every) * every
        expected = {slot_of(dt.datetime.fromtimestamp(t, tz=dt.UTC), every)
                    for t in range(first, int(ended_at.timestamp()) - every, every)}  # fmt: skip
        runs = PeriodicRun.objects.filter(job=job, slot__in=expected)
        slots = list(runs.values_list("slot", flat=True))
        never_started = runs.filter(started_at__isnull=True).count()
        missing = expected - set(slots)
        if len(slots) != len(set(slots)) or missing or never_started > 1:
            failures.append(f"{job}: {len(missing)} periods missed, {never_started} never started")
        log(
            f"4. {job.rsplit('.', 1)[-1]} every {every} s: {len(set(slots))}/{len(expected)} periods ran, "
            f"none twice; {never_started} lost with the killed worker"
        )

    # 5. replica converges
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]

    def replayed() -> bool:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            return bool(cursor.fetchone()[0])

    converged = wait_for("the replica", replayed, 60)
    on_primary = Order.objects.using("default").count()
    on_replica = Order.objects.using("replica").count()
    if not converged or on_primary != on_replica:
        failures.append(
            f"replica: converged={converged}, orders primary {on_primary} vs replica {on_replica}"
        )
    log(f"5. replica lag {replica_lag()}; orders primary {on_primary} = replica {on_replica}")

    health = subprocess.run(["curl", "-fsS", f"{LB.geturl()}/health/"], capture_output=True, text=True)
    log(f"health after the drill: {health.stdout.strip()}")
    log(f"drill took {time.monotonic() - t0:.0f} s")
    for f in failures:
        log(f"FAIL {f}")
    log("PASS" if not failures else "FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
