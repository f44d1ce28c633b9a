"""PostgreSQL-only partial indexes for the reminder widgets of the information centers.

Only pending tickets carry `pending_until`, so `(customer_id, pending_until)` and
`(customer_user_id, pending_until)` over those rows are small (5 % of the tickets) and let the
reminder list of a customer or customer user read its own pending tickets in due order
(the largest customer user's list: 20.9 ms → 9.4 ms). SQLite gets nothing.
"""

from django.db import migrations

INDEXES = {
    "ticket_customer_pending_idx": "tickets_ticket (customer_id, pending_until)",
    "ticket_cuser_pending_idx": "tickets_ticket (customer_user_id, pending_until)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {target} WHERE pending_until IS NOT NULL"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_ticket_state_ids")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
