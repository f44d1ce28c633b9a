"""PostgreSQL-only covering indexes for the Reminder widgets (CIC and CUIC), replacing 0009's.

0009 keyed the pending tickets by `(customer_id, pending_until)`; the state was not in it, so
PostgreSQL combined it with the state index in a `BitmapAnd` that read all 36,850 pending
tickets' entries to keep one customer's few. Keyed by `(customer…, state_id, pending_until)`
with the tab columns included, both read only the matching entries.
"""

from django.db import migrations

from helpdesk.pg import create_indexes, drop_indexes, postgres_sql

INDEXES = {
    "ticket_customer_pending_cov": (
        "tickets_ticket (customer_id, state_id, pending_until) "
        "INCLUDE (id, queue_id, is_locked, owner_id, customer_user_id) "
        "WHERE pending_until IS NOT NULL"
    ),
    "ticket_cuser_pending_cov": (
        "tickets_ticket (customer_user_id, state_id, pending_until) "
        "INCLUDE (id, queue_id, is_locked, owner_id, customer_id) "
        "WHERE pending_until IS NOT NULL"
    ),
}
REPLACED = {
    "ticket_customer_pending_idx": (
        "tickets_ticket (customer_id, pending_until) WHERE pending_until IS NOT NULL"
    ),
    "ticket_cuser_pending_idx": (
        "tickets_ticket (customer_user_id, pending_until) WHERE pending_until IS NOT NULL"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("tickets", "0013_ticket_count_triggers")]

    operations = [
        postgres_sql(
            [*create_indexes(INDEXES), *drop_indexes(REPLACED)],
            [*create_indexes(REPLACED), *drop_indexes(INDEXES)],
        )
    ]
