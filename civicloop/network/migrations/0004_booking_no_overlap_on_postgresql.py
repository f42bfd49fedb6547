"""On PostgreSQL, confirmed bookings of one room cannot overlap: an exclusion constraint over the half-open time
range (btree_gist lets the room id take part in the GiST index). SQLite has no such constraint; there the booking
service checks for overlaps inside its IMMEDIATE write transaction, which serialises writers."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE network_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
) WHERE (status = 'confirmed');
"""
DROP = "ALTER TABLE network_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("network", "0003_venues_rooms_bookings")]

    operations = [migrations.RunPython(forwards, backwards)]
