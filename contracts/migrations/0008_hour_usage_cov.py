"""PostgreSQL-only covering index for the usage chart: a contract's hours of the chart's window
read index-only, in order, instead of visiting a heap page per hour row."""

from django.db import migrations

from helpdesk.pg import create_indexes, drop_indexes, postgres_sql

INDEXES = {
    "contract_hour_usage_cov": "contracts_contracthourusage (contract_id, hour) INCLUDE (minutes)",
}


class Migration(migrations.Migration):
    dependencies = [("contracts", "0007_hour_usage")]

    operations = [postgres_sql(create_indexes(INDEXES), drop_indexes(INDEXES))]
