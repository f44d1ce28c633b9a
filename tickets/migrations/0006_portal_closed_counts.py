"""PostgreSQL-only indexes for the portal's closed-request counts with a closing-date filter.

`portal_count` (portal/selectors.py) counts a power user's closed requests as two parts, its
customers' tickets and its own tickets elsewhere. With "closed from/until" both parts compare
`closed_at` (as a range, portal/filters.py); these indexes hold it next to the keys so each part
stays an index-only scan instead of reading ~50,000 ticket rows of the largest customer.
"""

from django.db import migrations

INDEXES = {
    "ticket_customer_state_closed_idx": "tickets_ticket (customer_id, state_id, closed_at)",
    "ticket_cuser_state_closed_idx": (
        "tickets_ticket (customer_user_id, state_id, closed_at) INCLUDE (customer_id)"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_perf_escalated_cov")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
