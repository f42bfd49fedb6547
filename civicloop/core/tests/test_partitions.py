"""Monthly partitions on PostgreSQL: the audit log, order events, the hours ledger and counter deltas are
partitioned by month;
a row lands in its month, history older than the months created waits in the DEFAULT partition until
`manage.py partitions --since` gives it its month (the audit chain and its append-only guard intact), and a
query filtered on the month reads that month's partition only."""

from __future__ import annotations

import datetime as dt
import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_chain_verify, audit_record
from civicloop.core import partitions
from civicloop.orders.tests.factories import walk

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's"),
]

TABLES = {
    "audit_auditevent": "created_at",
    "orders_orderevent": "created_at",
    "records_servicerecord": "created_at",
    "stats_counterdelta": "day",
}


def _home(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_growing_tables_are_partitioned_by_month():
    with connection.cursor() as cursor:
        found = {t: k for t, k, _d in partitions.partitioned_tables(cursor)}
        assert found == TABLES
        month = f"{timezone.localdate():%Y%m}"
        for table in TABLES:
            parts = partitions.partitions_of(cursor, table)
            assert f"{table}_default" in parts and f"{table}_p{month}" in parts


def test_rows_land_in_their_month_and_history_moves_out_of_default(personas):
    now = audit_record(action="login", actor=personas.office)
    assert _home("audit_auditevent", now.pk) == f"audit_auditevent_p{timezone.localdate():%Y%m}"
    long_ago = timezone.now() - dt.timedelta(days=3 * 365)
    with mock.patch("django.utils.timezone.now", return_value=long_ago):  # history loaded from an older system
        old = audit_record(action="login", actor=personas.office)
    assert _home("audit_auditevent", old.pk) == "audit_auditevent_default"

    call_command("partitions", since=f"{timezone.localtime(long_ago):%Y-%m}", stdout=io.StringIO())
    assert _home("audit_auditevent", old.pk) == f"audit_auditevent_p{timezone.localtime(long_ago):%Y%m}"
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    assert audit_chain_verify()[1] == []  # nothing lost or reordered by the move
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        # the database's append-only guard came along to the new partition
        cursor.execute("UPDATE audit_auditevent SET detail = 'changed' WHERE id = %s", [old.pk])
    assert partitions.partitions_ensure() == []  # idempotent


def test_a_month_query_reads_one_partition_and_the_timeline_uses_its_index(personas):
    order = walk(personas, "accepted")
    month = timezone.localdate().replace(day=1)
    start = dt.datetime.combine(month, dt.time(), tzinfo=timezone.get_current_timezone())
    end = start + dt.timedelta(days=32)
    end = end.replace(day=1)
    plan = _plan("SELECT * FROM audit_auditevent WHERE created_at >= %s AND created_at < %s", [start, end])
    assert f"audit_auditevent_p{month:%Y%m}" in plan
    assert "audit_auditevent_default" not in plan and f"audit_auditevent_p{end:%Y%m}" not in plan
    plan = _plan("SELECT * FROM stats_counterdelta WHERE day >= %s AND day < %s", [month, end.date()])
    assert set(re.findall(r"stats_counterdelta_p\d{6}", plan)) == {f"stats_counterdelta_p{month:%Y%m}"}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = _plan("SELECT * FROM orders_orderevent WHERE order_id = %s ORDER BY created_at", [order.pk])
    assert "Index" in plan and "Seq Scan" not in plan
