"""PostgreSQL-only `customer_user_customer_ids(pk)`: the customer user's customers, its primary
one and those it is a member of.

`TicketRules.accessible_parts` writes `customer_id = ANY(customer_user_customer_ids(pk))`.
Declared IMMUTABLE like `ticket_state_ids` (tickets/0008, same caveat: Django plans every query
afresh), the planner folds it into the literal ids and so knows that the largest customer holds
80,000 tickets: it then puts the state rule into the index condition instead of filtering every
one of those index entries (a power user's open-tickets counts: 20 ms → see README).
"""

from django.db import migrations

from helpdesk.pg import postgres_sql

CREATE = """
CREATE OR REPLACE FUNCTION customer_user_customer_ids(cu bigint) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT c ORDER BY c), '{}') FROM (
        SELECT customer_id AS c FROM customers_customeruser WHERE id = cu
        UNION
        SELECT customer_id FROM customers_customeruser_customers WHERE customeruser_id = cu
    ) AS ids WHERE c IS NOT NULL
$$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_pending_per_customer"),
        ("customers", "0006_search_name_order"),
    ]

    operations = [postgres_sql([CREATE], ["DROP FUNCTION IF EXISTS customer_user_customer_ids(bigint)"])]
