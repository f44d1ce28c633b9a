"""PostgreSQL-only partial indexes for the reminder widgets of the information centers.

Only pending tickets carry `pending_until`, so `(customer_id, pending_until)` and
`(customer_user_id, pending_until)` over those rows are small (5 % of the tickets) and let the
reminder list of a customer or customer user read its own pending tickets in due order.
SQLite gets nothing.
"""

from django.db import migrations

from helpdesk.pg import postgres_indexes

INDEXES = {
    "ticket_customer_pending_idx": (
        "tickets_ticket (customer_id, pending_until) WHERE pending_until IS NOT NULL"
    ),
    "ticket_cuser_pending_idx": (
        "tickets_ticket (customer_user_id, pending_until) WHERE pending_until IS NOT NULL"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_ticket_state_ids")]

    operations = [postgres_indexes(INDEXES)]
