"""PostgreSQL-only covering and partial indexes for the dashboards at a million tickets.

Each index serves one measured query of `manage.py benchmark` (README "Performance"):

- `(customer_id, state_id) INCLUDE (...)` and `(customer_user_id, state_id) INCLUDE (...)`:
  the tab counts of the ticket widgets, Company Status and the open/closed counts of Customer
  Users / Customer IDs read only index pages (index-only scans): the state decides the rule,
  the included columns decide the tab (locked by me, my queues) and the agent's queue access
  (`id` is included because Django counts `COUNT(id)`).
- `(customer_id, escalation_due)` where set: the Escalated widget's rows, most overdue first.
- `(contract_id, id)` and time entries `(ticket_id) INCLUDE (minutes)`: a contract's hours used.

They are plain SQL on PostgreSQL (SQLite, used for tests, gets nothing), so the model state
does not change; `IF NOT EXISTS` keeps the migration safe to re-run on a hand-tuned database.
"""

from django.db import migrations

from helpdesk.pg import postgres_indexes

INDEXES = {
    "ticket_customer_state_cov": (
        "tickets_ticket (customer_id, state_id) "
        "INCLUDE (id, queue_id, is_locked, owner_id, escalation_due, customer_user_id)"
    ),
    "ticket_cuser_state_cov": (
        "tickets_ticket (customer_user_id, state_id) "
        "INCLUDE (id, queue_id, is_locked, owner_id, escalation_due, customer_id)"
    ),
    "ticket_customer_escal_idx": (
        "tickets_ticket (customer_id, escalation_due) WHERE escalation_due IS NOT NULL"
    ),
    "ticket_contract_cov": "tickets_ticket (contract_id, id) WHERE contract_id IS NOT NULL",
    "timeentry_ticket_cov": "tickets_timeentry (ticket_id) INCLUDE (minutes)",
}


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_default_catalogue")]

    operations = [postgres_indexes(INDEXES)]
