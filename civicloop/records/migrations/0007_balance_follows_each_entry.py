"""A volunteer's balance follows each inserted points entry inside the INSERT itself (a row trigger), as the audit
chain's tip does (audit 0006): crediting hours costs one statement less, and no code path can write an entry
without moving the balance, so "balance = sum of entries" (`check_points`) holds by construction.

pg_dump puts triggers after the data, so a restore does not add the entries to the restored balances twice."""

from django.db import migrations

from civicloop.core.vendor_sql import vendor_sql

POSTGRESQL = """
CREATE OR REPLACE FUNCTION points_entry_move_balance() RETURNS trigger AS $$
BEGIN
  INSERT INTO records_pointsaccount (volunteer_id, balance) VALUES (NEW.volunteer_id, NEW.points)
    ON CONFLICT (volunteer_id) DO UPDATE SET balance = records_pointsaccount.balance + excluded.balance;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS points_entry_move_balance ON records_pointsentry;
CREATE TRIGGER points_entry_move_balance AFTER INSERT ON records_pointsentry
  FOR EACH ROW EXECUTE FUNCTION points_entry_move_balance();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS points_entry_move_balance ON records_pointsentry;
DROP FUNCTION IF EXISTS points_entry_move_balance();
"""
SQLITE = """
CREATE TRIGGER IF NOT EXISTS points_entry_move_balance AFTER INSERT ON records_pointsentry
BEGIN
  INSERT INTO records_pointsaccount (volunteer_id, balance) VALUES (NEW.volunteer_id, NEW.points)
    ON CONFLICT (volunteer_id) DO UPDATE SET balance = balance + excluded.balance;
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS points_entry_move_balance;"


class Migration(migrations.Migration):
    dependencies = [("records", "0006_monthly_partitions")]

    operations = [
        vendor_sql(
            {"postgresql": POSTGRESQL, "sqlite": SQLITE},
            {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP},
        )
    ]
