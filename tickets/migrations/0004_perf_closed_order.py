"""PostgreSQL-only index for the portal's closed requests, newest closed first.

`portal:closed` orders by `closed_at DESC NULLS LAST, id DESC`; an index in exactly that order
lets PostgreSQL read the first page from its top instead of walking every ticket without a
closing time first (a backward scan of the plain `closed_at` index returns NULLs first).
"""

from django.db import migrations

NAME = "ticket_closed_desc_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON tickets_ticket "
            "(closed_at DESC NULLS LAST, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_perf_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
