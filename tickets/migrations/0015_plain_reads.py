"""Remove what 0008, 0010 and 0013 once created: the SQL functions of the state and customer
rules, the triggers (and their functions) that kept `TicketCount`, and the table itself. Every
read is plain ORM now. `IF EXISTS` makes this safe on a fresh database, where those migrations
created nothing; undoing it brings back the (empty) table only.
"""

from django.db import migrations

TRIGGERS = ("ticket_count_insert", "ticket_count_delete", "ticket_count_update")

DROP = {
    "postgresql": [
        *(f"DROP TRIGGER IF EXISTS {name} ON tickets_ticket" for name in TRIGGERS),
        *(f"DROP FUNCTION IF EXISTS {name}()" for name in TRIGGERS),
        "DROP FUNCTION IF EXISTS ticket_state_ids(text[])",
        "DROP FUNCTION IF EXISTS customer_user_customer_ids(bigint)",
    ],
    "sqlite": [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS],
}


def drop(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0014_pending_cov")]

    operations = [
        migrations.RunPython(drop, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="TicketCount"),
    ]
