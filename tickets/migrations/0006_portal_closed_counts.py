"""PostgreSQL-only indexes for the portal's closed-request counts with a closing-date filter.

`portal_count` (portal/selectors.py) counts a power user's closed requests as two parts, its
customers' tickets and its own tickets elsewhere. With "closed from/until" both parts compare
`closed_at` (as a range, portal/filters.py); these indexes hold it next to the keys so each part
stays an index-only scan instead of reading ~50,000 ticket rows of the largest customer.
"""

from django.db import migrations

from helpdesk.pg import postgres_indexes

INDEXES = {
    "ticket_customer_state_closed_idx": "tickets_ticket (customer_id, state_id, closed_at)",
    "ticket_cuser_state_closed_idx": (
        "tickets_ticket (customer_user_id, state_id, closed_at) INCLUDE (customer_id)"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_perf_escalated_cov")]

    operations = [postgres_indexes(INDEXES)]
