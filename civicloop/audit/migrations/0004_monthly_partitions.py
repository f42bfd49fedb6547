"""The audit log becomes partitioned by month of created_at on PostgreSQL (civicloop.core.partitions); the
append-only trigger, indexes and keys are carried over. Nothing changes on SQLite."""

from django.db import migrations

from civicloop.core.partitions import partition_table, unpartition_table


def forward(apps, schema_editor):
    partition_table(schema_editor, "audit_auditevent", "created_at")


def backward(apps, schema_editor):
    unpartition_table(schema_editor, "audit_auditevent")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_tamper_evident_chain")]
    operations = [migrations.RunPython(forward, backward)]
