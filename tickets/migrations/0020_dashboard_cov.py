"""PostgreSQL-only covering indexes for counts over every ticket an agent may see.

The agent dashboard's Reminder and Escalated tab counts filter the pending and the escalated
tickets by queue, owner and lock, and the ticket search's "closed after" count filters the
closed tickets by queue and state: with those columns included, each capped count reads index
entries only instead of visiting a heap page per ticket (or, for "closed after", instead of
PostgreSQL preferring to scan the whole table until the cap).
"""

from django.db import migrations

from helpdesk.pg import create_indexes, drop_indexes, postgres_sql

INDEXES = {
    "ticket_state_pending_cov": (
        "tickets_ticket (state_id, pending_until) INCLUDE (queue_id, is_locked, owner_id) "
        "WHERE pending_until IS NOT NULL"
    ),
    "ticket_closed_cov": (
        "tickets_ticket (closed_at) INCLUDE (queue_id, state_id) WHERE closed_at IS NOT NULL"
    ),
    "ticket_escalation_cov": (
        "tickets_ticket (escalation_due) INCLUDE (queue_id, is_locked, owner_id) "
        "WHERE escalation_due IS NOT NULL"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("tickets", "0019_created_at_default")]

    operations = [postgres_sql(create_indexes(INDEXES), drop_indexes(INDEXES))]
