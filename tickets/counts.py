"""Stored ticket counts per (customer, queue, state): `TicketCount` rows written by database
triggers (tickets/migrations/0013_ticket_count_triggers), read and folded here."""

from __future__ import annotations

from collections import Counter

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum

from .models import TicketCount

CHUNK = 500


def counts_by_state(customer, rule: Q) -> dict[int, int]:
    """`{state_id: tickets}` of the customer's tickets, within `rule` (a rule on `queue_id`,
    such as `TicketRules.visible_to_agent`); states without tickets are left out."""
    rows: QuerySet = (
        TicketCount.objects.filter(rule, customer_id=customer.pk)
        .values("state_id")
        .annotate(count=Sum("n"))
        .filter(count__gt=0)
        .order_by()
    )
    return {row["state_id"]: row["count"] for row in rows}


def ticket_counts_compact() -> int:
    """Fold the delta rows of each key that has several (or sums to nothing) into one row, or
    none. `DELETE … RETURNING` takes exactly the rows it then sums, so deltas written meanwhile
    by other transactions stay for the next run: nothing is lost or counted twice. Returns the
    number of rows removed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT customer_id FROM tickets_ticketcount "
            "GROUP BY customer_id, queue_id, state_id HAVING COUNT(*) > 1 OR SUM(n) = 0"
        )
        customers = [row[0] for row in cursor.fetchall()]
    removed = 0
    for start in range(0, len(customers), CHUNK):
        chunk = customers[start : start + CHUNK]
        with transaction.atomic(), connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                # placeholders only: the ids go in as parameters
                f"DELETE FROM tickets_ticketcount WHERE customer_id IN ({marks}) "  # noqa: S608  # nosec B608
                "RETURNING customer_id, queue_id, state_id, n",
                chunk,
            )
            totals: Counter = Counter()
            rows = cursor.fetchall()
            for customer_id, queue_id, state_id, n in rows:
                totals[customer_id, queue_id, state_id] += n
            kept = [
                TicketCount(customer_id=c, queue_id=q, state_id=s, n=n)
                for (c, q, s), n in totals.items()
                if n
            ]
            TicketCount.objects.bulk_create(kept)
            removed += len(rows) - len(kept)
    return removed
