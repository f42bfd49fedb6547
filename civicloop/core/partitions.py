"""Monthly range partitions for the tables that only grow (PostgreSQL only; SQLite and a district keep one table).

`partition_table` turns a plain table into one partitioned by month on a time column, in a migration: the rows,
the id sequence, the indexes, the foreign keys and the row triggers (the audit chain's append-only guard) are
carried over under their old names, and a DEFAULT partition catches any row outside the months created.
`partitions_ensure` (a daily periodic job, and `manage.py partitions`) creates the months around today for every
partitioned table it finds in the catalogue, moving rows out of the DEFAULT partition first when a month was
missing — so no app lists its tables here, and a query filtered on the time column reads only its months.

What partitioning costs (PostgreSQL's rules): a unique key must include the time column, and a foreign key
pointing into a partitioned table must name it too. So the keys that point into these tables (the hours
ledger's reversal, make-up claim and points entry) are checked by the services, not by the database.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

MONTHS_BACK = 12
MONTHS_AHEAD = 3


def _month(day: dt.date, add: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 + add
    return dt.date(index // 12, index % 12 + 1, 1)


def _bound(month: dt.date, is_date: bool) -> str:
    """A partition bound: the first day of the month, as a local midnight for timestamps."""
    if is_date:
        return month.isoformat()
    midnight = dt.datetime.combine(month, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return midnight.isoformat()


def _name(table: str, month: dt.date) -> str:
    return f"{table}_p{month:%Y%m}"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _fetch(cursor: Any, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params or [])
    return list(cursor.fetchall())


def partitioned_tables(cursor: Any) -> list[tuple[str, str, bool]]:
    """(table, key column, key is a date) for each range-partitioned table of the current schema."""
    rows = _fetch(
        cursor,
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) = 'date'
        FROM pg_partitioned_table p
        JOIN pg_class c ON c.oid = p.partrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
        WHERE p.partstrat = 'r' AND p.partnatts = 1
        ORDER BY c.relname
        """,
    )
    return [(str(t), str(k), bool(d)) for t, k, d in rows]


def partitions_of(cursor: Any, table: str) -> list[str]:
    rows = _fetch(
        cursor,
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
        [table],
    )
    return [str(r[0]) for r in rows]


def partition_table(schema_editor: Any, table: str, key: str) -> None:
    """Migration step: rebuild `table` as partitioned by month on `key` (PostgreSQL; elsewhere nothing)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if any(t == table for t, _k, _d in partitioned_tables(cursor)):
            return  # already partitioned (a database that ran an earlier name of this migration)
        pk = _fetch(cursor, "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
                    [table])[0][0]
        incoming = _fetch(cursor, "SELECT conname FROM pg_constraint WHERE confrelid = %s::regclass", [table])
        if incoming:
            raise RuntimeError(f"{table} is referenced by {incoming}: a partitioned table cannot be")
        indexes = _fetch(
            cursor,
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
            "AND indexname <> %s",
            [table, pk],
        )
        if any(" UNIQUE " in definition for _n, definition in indexes):
            raise RuntimeError(f"{table} has a unique index without {key}: it cannot be partitioned")
        foreign = _fetch(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f'",
            [table],
        )
        triggers = _fetch(
            cursor,
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        is_date = _fetch(
            cursor,
            "SELECT format_type(atttypid, atttypmod) = 'date' FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = %s",
            [table, key],
        )[0][0]
        old = f"{table}__plain"
        t, o = _q(table), _q(old)
        cursor.execute(f"ALTER TABLE {t} RENAME TO {o}")
        cursor.execute(
            f"CREATE TABLE {t} (LIKE {o} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) "
            f"PARTITION BY RANGE ({_q(key)})"
        )
        cursor.execute(f"ALTER TABLE {t} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        cursor.execute(f"ALTER TABLE {o} DROP CONSTRAINT {_q(pk)}")
        cursor.execute(f"ALTER TABLE {t} ADD CONSTRAINT {_q(pk)} PRIMARY KEY (id, {_q(key)})")
        cursor.execute(f"CREATE TABLE {_q(table + '_default')} PARTITION OF {t} DEFAULT")
        first = _fetch(cursor, f"SELECT min({_q(key)}) FROM {o}")[0][0]
        _create_months(cursor, table, is_date, _months_around(first))
        cursor.execute(f"INSERT INTO {t} SELECT * FROM {o}")
        cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(max(id), 0) + 1, false) FROM {t}",
                       [table])
        cursor.execute(f"DROP TABLE {o}")  # its indexes, keys and triggers go with it; made again below
        for _index, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign:
            cursor.execute(f"ALTER TABLE {t} ADD CONSTRAINT {_q(name)} {definition}")
        for (definition,) in triggers:
            cursor.execute(definition)


def unpartition_table(schema_editor: Any, table: str) -> None:
    """The reverse: one plain table again, with the same rows, indexes, keys and triggers."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        indexes = _fetch(
            cursor,
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
            "AND indexname <> %s",
            [table, f"{table}_pkey"],
        )
        foreign = _fetch(cursor, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                                 "WHERE conrelid = %s::regclass AND contype = 'f'", [table])
        triggers = _fetch(cursor, "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
                                  "AND NOT tgisinternal AND tgparentid = 0", [table])
        old = f"{table}__parted"
        t, o = _q(table), _q(old)
        cursor.execute(f"ALTER TABLE {t} RENAME TO {o}")
        cursor.execute(f"CREATE TABLE {t} (LIKE {o} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(f"ALTER TABLE {t} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        cursor.execute(f"INSERT INTO {t} SELECT * FROM {o}")
        cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(max(id), 0) + 1, false) FROM {t}",
                       [table])
        cursor.execute(f"DROP TABLE {o}")
        cursor.execute(f"ALTER TABLE {t} ADD CONSTRAINT {_q(table + '_pkey')} PRIMARY KEY (id)")
        for (definition,) in indexes:
            cursor.execute(definition.replace(" ON ONLY ", " ON "))
        for name, definition in foreign:
            cursor.execute(f"ALTER TABLE {t} ADD CONSTRAINT {_q(name)} {definition}")
        for (definition,) in triggers:
            cursor.execute(definition)


def _months_around(first: Any, today: dt.date | None = None) -> list[dt.date]:
    today = today or timezone.localdate()
    start = _month(today, -MONTHS_BACK)
    if first is not None:
        first_day = first if isinstance(first, dt.date) and not isinstance(first, dt.datetime) else (
            timezone.localtime(first).date()
        )
        start = min(start, _month(first_day))
    months = []
    month = start
    while month <= _month(today, MONTHS_AHEAD):
        months.append(month)
        month = _month(month, 1)
    return months


def _create_months(cursor: Any, table: str, is_date: bool, months: list[dt.date]) -> list[str]:
    """Create the missing month partitions; rows of such a month already in DEFAULT are moved into it."""
    have = set(partitions_of(cursor, table))
    made = []
    default = table + "_default"
    key = next(k for t, k, _d in partitioned_tables(cursor) if t == table)
    for month in months:
        name = _name(table, month)
        if name in have:
            continue
        lo, hi = _bound(month, is_date), _bound(_month(month, 1), is_date)
        t, n, d, k = _q(table), _q(name), _q(default), _q(key)
        waiting = default in have and _fetch(
            cursor, f"SELECT EXISTS (SELECT 1 FROM {d} WHERE {k} >= %s AND {k} < %s)", [lo, hi]
        )[0][0]
        if waiting:
            # Attaching would fail while DEFAULT holds rows of the month: move them first. The row triggers
            # (the audit log refuses DELETE) are off for the move only, inside this transaction.
            cursor.execute(f"CREATE TABLE {n} (LIKE {t} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER refuses a table with deferred checks queued
            cursor.execute(f"ALTER TABLE {d} DISABLE TRIGGER USER")
            cursor.execute(f"WITH moved AS (DELETE FROM {d} WHERE {k} >= %s AND {k} < %s RETURNING *) "
                           f"INSERT INTO {n} SELECT * FROM moved", [lo, hi])
            cursor.execute(f"ALTER TABLE {d} ENABLE TRIGGER USER")
            cursor.execute(f"ALTER TABLE {t} ATTACH PARTITION {n} FOR VALUES FROM (%s) TO (%s)", [lo, hi])
        else:
            cursor.execute(f"CREATE TABLE {n} PARTITION OF {t} FOR VALUES FROM (%s) TO (%s)", [lo, hi])
        made.append(name)
    return made


def partitions_ensure(today: dt.date | None = None, since: dt.date | None = None) -> list[str]:
    """Create this month's neighbours (MONTHS_BACK before, MONTHS_AHEAD after; from `since` when given, for
    history loaded later) in every partitioned table. Idempotent; a daily periodic job. Returns the partitions
    it created."""
    if connection.vendor != "postgresql":
        return []
    made: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for table, _key, is_date in partitioned_tables(cursor):
            made += _create_months(cursor, table, is_date, _months_around(since, today))
    if made:
        log.info("created partitions %s", ", ".join(made))
    return made
