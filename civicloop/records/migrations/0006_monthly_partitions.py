"""The hours ledger becomes partitioned by month of created_at on PostgreSQL (civicloop.core.partitions), now
that no foreign key points into it (0005). Nothing changes on SQLite."""

from django.db import migrations

from civicloop.core.partitions import partition_table, unpartition_table


def forward(apps, schema_editor):
    partition_table(schema_editor, "records_servicerecord", "created_at")


def backward(apps, schema_editor):
    unpartition_table(schema_editor, "records_servicerecord")


class Migration(migrations.Migration):
    dependencies = [("records", "0005_ledger_without_incoming_keys")]
    operations = [migrations.RunPython(forward, backward)]
