"""PostgreSQL-only trigram indexes for the CIC/CUIC search dialogs (DESIGN §5).

The dialogs match every term as a substring, `UPPER(field) LIKE UPPER('%term%')`
(dashboards/search.py); a btree cannot serve a leading wildcard, a `pg_trgm` GIN index on the
same `UPPER(...)` expression can (terms of three characters or more). The full-name expression
is the SQL Django generates for `Concat("first_name", Value(" "), "last_name")`, so the planner
matches it. (A btree in name order would speed up `**` but PostgreSQL then walks it for
rare terms, expecting many matches, so there is none.)

Plain SQL on PostgreSQL only (no `django.contrib.postgres` needed; SQLite gets nothing).
`pg_trgm` is a trusted extension since PostgreSQL 13, so the database owner may create it.
"""

from django.db import migrations

from helpdesk.pg import create_indexes, drop_indexes, postgres_sql

FULL_NAME = (
    "UPPER((COALESCE(first_name, '') || COALESCE((COALESCE(' ', '') || "
    "COALESCE(last_name, '')), '')))"
)
INDEXES = {
    "customer_cid_trgm": "customers_customer USING gin (UPPER(customer_id) gin_trgm_ops)",
    "customer_name_trgm": "customers_customer USING gin (UPPER(name) gin_trgm_ops)",
    "cu_login_trgm": "customers_customeruser USING gin (UPPER(login) gin_trgm_ops)",
    "cu_first_trgm": "customers_customeruser USING gin (UPPER(first_name) gin_trgm_ops)",
    "cu_last_trgm": "customers_customeruser USING gin (UPPER(last_name) gin_trgm_ops)",
    "cu_email_trgm": "customers_customeruser USING gin (UPPER(email) gin_trgm_ops)",
    "cu_full_name_trgm": f"customers_customeruser USING gin (({FULL_NAME}) gin_trgm_ops)",
}


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_customer_admin_group")]

    operations = [
        # statistics of the indexed expressions guide the LIKE estimates
        postgres_sql(
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                *create_indexes(INDEXES),
                "ANALYZE customers_customer, customers_customeruser",
            ],
            drop_indexes(INDEXES),
        )
    ]
