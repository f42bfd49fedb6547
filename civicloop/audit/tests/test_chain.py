"""Tamper-evident audit: hash chain, audit_verify, the PostgreSQL trigger, retention (issue #11)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.utils import DatabaseError
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_record, audit_retain

pytestmark = pytest.mark.django_db


def _rows(n: int = 4) -> list[AuditEvent]:
    return [audit_record(action="test_event", object_id=str(i), detail=f"row {i}") for i in range(n)]


def _raw(sql: str, params: list) -> None:
    """Change the table behind the application's back, as an intruder with database access would (SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_rows_are_chained_and_verify_passes(capsys):
    rows = _rows()
    assert rows[0].prev_hash == "" and all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(rows))
    call_command("audit_verify")
    assert "ok: 4 rows chained" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's trigger refuses the change itself")
def test_verify_finds_a_changed_row():
    rows = _rows()
    _raw("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ["nothing happened", rows[1].pk])
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit_verify")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's trigger refuses the change itself")
def test_verify_finds_a_removed_row():
    rows = _rows()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [rows[2].pk])
    with pytest.raises(CommandError, match="broken"):
        call_command("audit_verify")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's trigger refuses the change itself")
def test_verify_finds_rows_removed_from_the_start():
    rows = _rows()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [rows[0].pk])
    with pytest.raises(CommandError):
        call_command("audit_verify")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditevent SET detail = 'x' WHERE id = %s", "DELETE FROM audit_auditevent WHERE id = %s"],
)
def test_postgresql_refuses_update_and_delete(sql):
    row = _rows(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(sql, [row.pk])
    assert AuditEvent.objects.get(pk=row.pk).detail == "row 0"


def test_retention_keeps_184_days_and_verify_still_passes(monkeypatch):
    real_now = timezone.now()
    for age in (400, 200, 183, 10):
        monkeypatch.setattr(timezone, "now", lambda age=age: real_now - dt.timedelta(days=age))
        audit_record(action="test_event", detail=f"age {age}")
    monkeypatch.setattr(timezone, "now", lambda: real_now)
    assert audit_retain(days=30) == 2  # asked for 30 days: still keeps 184
    left = list(QuerySet(model=AuditEvent).order_by("id").values_list("detail", flat=True))
    assert left[:2] == ["age 183", "age 10"] and left[2].startswith("removed=2 ")
    call_command("audit_verify")
    assert audit_retain() == 0


def test_nothing_else_may_delete_audit_rows():
    row = _rows(1)[0]
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        row.delete()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's trigger refuses the change itself")
def test_verify_finds_rows_cut_from_the_end():
    rows = _rows()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [rows[-1].pk])
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit_verify")


def test_each_connection_appends_to_its_own_chain(capsys):
    """Rows from two connections form two chains, each linked on its own; verify walks both."""
    from civicloop.audit.models import AuditChainTip, chain_of

    mine = _rows(2)
    other = (chain_of(connection) + 1) % 16
    connection.civicloop_audit_chain = other  # what a second connection of the worker is given
    try:
        theirs = _rows(2)
    finally:
        del connection.civicloop_audit_chain
    assert {r.chain for r in mine} != {r.chain for r in theirs}
    assert theirs[0].prev_hash == "" and theirs[1].prev_hash == theirs[0].row_hash
    assert AuditChainTip.objects.get(chain=other).row_hash == theirs[1].row_hash
    call_command("audit_verify")
    assert "ok: 4 rows chained in 2 chain(s)" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer at a time in anyway")
@pytest.mark.django_db(transaction=True)
def test_a_writer_does_not_wait_for_another_chains_open_transaction():
    """One request holds its transaction open after writing an audit row; another connection's audit write
    commits meanwhile (with one global chain it waited until the first committed)."""
    import threading

    from django.db import connections

    from civicloop.audit.models import chain_of

    first_wrote, second_done = threading.Event(), threading.Event()
    elsewhere = (chain_of(connection) + 1) % 16  # the thread's own connection, on another chain

    def first() -> None:
        connections["default"].civicloop_audit_chain = elsewhere
        try:
            with transaction.atomic():
                audit_record(action="test_event", detail="first")
                first_wrote.set()
                second_done.wait(timeout=60)  # still open while the second writes
        finally:
            connections.close_all()

    holder = threading.Thread(target=first)
    holder.start()
    assert first_wrote.wait(timeout=60)
    try:
        with transaction.atomic():
            audit_record(action="test_event", detail="second")
        finished_while_first_open = holder.is_alive()
    finally:
        second_done.set()
        holder.join()
    assert finished_while_first_open
    assert set(AuditEvent.objects.values_list("detail", flat=True)) == {"first", "second"}
    call_command("audit_verify")
