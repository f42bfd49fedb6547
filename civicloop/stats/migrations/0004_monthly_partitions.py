"""Counter deltas become partitioned by month of their day on PostgreSQL (civicloop.core.partitions); the
stats_counter view that reads them is made again over the new table. Nothing changes on SQLite."""

from django.db import migrations

from civicloop.core.partitions import partition_table, unpartition_table

VIEW = (
    "CREATE VIEW stats_counter AS "
    "SELECT id, metric, unit_path, day, dim, value FROM stats_dailycount "
    "UNION ALL "
    "SELECT id, metric, unit_path, day, dim, value FROM stats_counterdelta"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP VIEW stats_counter")
        partition_table(schema_editor, "stats_counterdelta", "day")
        schema_editor.execute(VIEW)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP VIEW stats_counter")
        unpartition_table(schema_editor, "stats_counterdelta")
        schema_editor.execute(VIEW)


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_counter_deltas_and_view")]
    operations = [migrations.RunPython(forward, backward)]
