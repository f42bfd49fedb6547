"""A chain's tip follows each inserted audit row inside the INSERT itself (a row trigger), so a write's audit
costs two statements (lock and read the tip, insert the row) instead of three, and no code path can insert a row
without moving its tip. On PostgreSQL the trigger sits on the partitioned table and so on every partition."""

from django.db import migrations

from civicloop.core.vendor_sql import vendor_sql

POSTGRESQL = """
CREATE OR REPLACE FUNCTION audit_event_move_tip() RETURNS trigger AS $$
BEGIN
  UPDATE audit_auditchaintip SET row_hash = NEW.row_hash, last_id = NEW.id WHERE chain = NEW.chain;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_move_tip ON audit_auditevent;
CREATE TRIGGER audit_event_move_tip AFTER INSERT ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_event_move_tip();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_event_move_tip ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_move_tip();
"""
SQLITE = """
CREATE TRIGGER IF NOT EXISTS audit_event_move_tip AFTER INSERT ON audit_auditevent
BEGIN
  UPDATE audit_auditchaintip SET row_hash = NEW.row_hash, last_id = NEW.id WHERE chain = NEW.chain;
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS audit_event_move_tip;"


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_independent_chains"),
    ]

    operations = [
        vendor_sql(
            {"postgresql": POSTGRESQL, "sqlite": SQLITE},
            {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP},
        )
    ]
