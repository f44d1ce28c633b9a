"""PostgreSQL-only covering indexes for the Escalated widget's tab counts (CIC and CUIC).

`(customer_id, escalation_due)` and `(customer_user_id, escalation_due)` where set, with the
columns the tabs and the agent's queue access read: the escalated tickets of a customer (or of
a customer user) are counted from a range of one index without reading the table; the former
`ticket_customer_escal_idx` (same key, no included columns) is replaced by the first one.
"""

from django.db import migrations

from helpdesk.pg import create_indexes, drop_indexes, postgres_sql

INDEXES = {
    "ticket_customer_escal_cov": (
        "tickets_ticket (customer_id, escalation_due) "
        "INCLUDE (id, queue_id, is_locked, owner_id, customer_user_id) "
        "WHERE escalation_due IS NOT NULL"
    ),
    "ticket_cuser_escal_cov": (
        "tickets_ticket (customer_user_id, escalation_due) "
        "INCLUDE (id, queue_id, is_locked, owner_id, customer_id) "
        "WHERE escalation_due IS NOT NULL"
    ),
}
REPLACED = (
    "ticket_customer_escal_idx",
    "tickets_ticket (customer_id, escalation_due) WHERE escalation_due IS NOT NULL",
)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_perf_closed_order")]

    operations = [
        postgres_sql(
            [*create_indexes(INDEXES), f"DROP INDEX IF EXISTS {REPLACED[0]}"],
            [*create_indexes(dict([REPLACED])), *drop_indexes(INDEXES)],
        )
    ]
