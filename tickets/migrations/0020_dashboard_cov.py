"""PostgreSQL-only covering indexes for the agent dashboard's Reminder and Escalated widgets.

Over every ticket an agent may see, their tab counts filter the pending and the escalated
tickets by queue, owner and lock: with those columns included, each capped count reads index
entries only instead of visiting a heap page per ticket.
"""

from django.db import migrations

from helpdesk.pg import create_indexes, drop_indexes, postgres_sql

INDEXES = {
    "ticket_state_pending_cov": (
        "tickets_ticket (state_id, pending_until) INCLUDE (queue_id, is_locked, owner_id) "
        "WHERE pending_until IS NOT NULL"
    ),
    "ticket_escalation_cov": (
        "tickets_ticket (escalation_due) INCLUDE (queue_id, is_locked, owner_id) "
        "WHERE escalation_due IS NOT NULL"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("tickets", "0019_created_at_default")]

    operations = [postgres_sql(create_indexes(INDEXES), drop_indexes(INDEXES))]
