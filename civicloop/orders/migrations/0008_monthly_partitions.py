"""Order events become partitioned by month of created_at on PostgreSQL (civicloop.core.partitions). Nothing
changes on SQLite."""

from django.db import migrations

from civicloop.core.partitions import partition_table, unpartition_table


def forward(apps, schema_editor):
    partition_table(schema_editor, "orders_orderevent", "created_at")


def backward(apps, schema_editor):
    unpartition_table(schema_editor, "orders_orderevent")


class Migration(migrations.Migration):
    dependencies = [("orders", "0007_attendance_per_session")]
    operations = [migrations.RunPython(forward, backward)]
