"""PostgreSQL-only trigram indexes for the ticket search's text filter.

`q` matches every term as a substring of the number or the title, which Django writes as
`UPPER(col::text) LIKE UPPER('%term%')`; a `pg_trgm` GIN index on the same expression serves it.
`pg_trgm` comes from
`customers/0004_trgm`. SQLite gets nothing.
"""

from django.db import migrations

from helpdesk.pg import create_indexes, drop_indexes, postgres_sql

INDEXES = {
    "ticket_title_trgm": "tickets_ticket USING gin (UPPER(title) gin_trgm_ops)",
    "ticket_number_trgm": "tickets_ticket USING gin (UPPER(number) gin_trgm_ops)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0006_portal_closed_counts"),
        ("customers", "0004_trgm"),
    ]

    operations = [
        postgres_sql(
            ["CREATE EXTENSION IF NOT EXISTS pg_trgm", *create_indexes(INDEXES)],
            drop_indexes(INDEXES),
        )
    ]
