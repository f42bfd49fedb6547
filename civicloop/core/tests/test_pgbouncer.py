"""The app's database use works through pgbouncer in transaction mode (PostgreSQL, pgbouncer installed).

A pgbouncer in transaction mode is started in front of the test database, and a second connection alias with the
settings `DATABASE_TRANSACTION_POOLING=1` gives (no server-side cursors, no prepared statements) runs what would
break there: `.iterator()` over many rows (a named cursor would be lost between fetches), the same query many
times (psycopg would prepare it on the fifth run and the next server would not know it), and the claim's row lock.
With pool_size 1 and two client connections, both share one server connection, the worst case.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from civicloop.network.models import Unit

BOUNCER = shutil.which("pgbouncer") or (
    "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
)
ENABLED = bool(BOUNCER) and os.environ.get("DATABASE_URL", "").startswith("postgres")
ALIAS = "bouncer"

pytestmark = [
    pytest.mark.skipif(not ENABLED, reason="needs PostgreSQL and pgbouncer"),
    pytest.mark.django_db(transaction=True, databases=["default", ALIAS]),
]

if ENABLED and ALIAS not in settings.DATABASES:
    # Declared before the test databases are set up, as a mirror (never created); repointed by the fixture.
    settings.DATABASES[ALIAS] = {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def bouncer() -> Iterator[Any]:
    primary = connection.settings_dict
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="civicloop-pgbouncer-"))
    (folder / "userlist.txt").write_text(f'"{primary["USER"] or "postgres"}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\napp = host={primary['HOST'] or '127.0.0.1'} port={primary['PORT'] or 5432} "
        f"dbname={primary['NAME']} pool_size=1\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\n"
        f"unix_socket_dir =\nauth_type = trust\nauth_file = {folder}/userlist.txt\npool_mode = transaction\n"
        f"server_reset_query =\nignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {folder}/pgbouncer.log\n"
    )
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(folder, "postgres")
        for f in folder.iterdir():
            shutil.chown(f, "postgres")
    proc = subprocess.Popen([*as_postgres, BOUNCER, str(folder / "pgbouncer.ini")])
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    pooled = connections[ALIAS]
    pooled.close()
    pooled.settings_dict.update(
        HOST="127.0.0.1",
        PORT=str(port),
        NAME="app",
        DISABLE_SERVER_SIDE_CURSORS=True,
        OPTIONS={**pooled.settings_dict.get("OPTIONS", {}), "prepare_threshold": None},
    )
    try:
        yield pooled
    finally:
        pooled.close()
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_pooling_settings_are_what_transaction_mode_needs(bouncer: Any) -> None:
    assert bouncer.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert bouncer.settings_dict["OPTIONS"]["prepare_threshold"] is None


def test_iterator_repeated_queries_and_row_locks_work_through_pgbouncer(bouncer: Any) -> None:
    from civicloop.network.services import unit_create

    root = unit_create(parent=None, name="区中心", division_code="150203")
    for i in range(30):
        unit_create(parent=root, name=f"站{i}")
    # Two client connections over the one server connection.
    other = connections.create_connection(ALIAS)
    other.settings_dict = dict(bouncer.settings_dict)
    try:
        names = [u.name for u in Unit.objects.using(ALIAS).order_by("path").iterator(chunk_size=4)]
        assert len(names) == 31 and names[0] == "区中心"
        for _ in range(12):  # past psycopg's prepare threshold of 5, alternating clients
            assert Unit.objects.using(ALIAS).filter(depth=2).count() == 30
            with other.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM network_unit WHERE depth = %s", [2])
                assert cursor.fetchone()[0] == 30
        with transaction.atomic(using=ALIAS):
            locked = Unit.objects.using(ALIAS).select_for_update().get(pk=root.pk)
            Unit.objects.using(ALIAS).filter(pk=locked.pk).update(name="区中心（改）")
        assert Unit.objects.get(pk=root.pk).name == "区中心（改）"
    finally:
        other.close()
