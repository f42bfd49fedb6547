"""A chain's tip follows each inserted audit row inside the INSERT itself (a row trigger), so a write's audit
costs two statements (lock and read the tip, insert the row) instead of three, and no code path can insert a row
without moving its tip. On PostgreSQL the trigger sits on the partitioned table and so on every partition."""

from django.db import migrations

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


def trigger_on(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute({"postgresql": POSTGRESQL, "sqlite": SQLITE}[vendor])


def trigger_off(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}[vendor])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_independent_chains"),
    ]

    operations = [migrations.RunPython(trigger_on, trigger_off)]
