"""PostgreSQL-only partial index for the agent choices (owner / responsible selects).

Every ticket search and ticket form lists the active agents by username; portal users are
users too, so that was a sequential scan of all users instead of an index over the few agents. SQLite gets nothing.
"""

from django.db import migrations

from helpdesk.pg import postgres_indexes

INDEXES = {
    "user_active_agent_idx": "auth_user (username) WHERE is_staff AND is_active",
}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("tickets", "0010_customer_user_customer_ids"),
    ]

    operations = [postgres_indexes(INDEXES)]
