"""Once created a PostgreSQL function for a user's customers; 0015_plain_reads removes it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_pending_per_customer"),
        ("customers", "0006_search_name_order"),
    ]

    operations = []
