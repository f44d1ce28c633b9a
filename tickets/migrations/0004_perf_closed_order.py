"""PostgreSQL-only index for the portal's closed requests, newest closed first.

`portal:closed` orders by `closed_at DESC NULLS LAST, id DESC`; an index in exactly that order
lets PostgreSQL read the first page from its top instead of walking every ticket without a
closing time first (a backward scan of the plain `closed_at` index returns NULLs first).
"""

from django.db import migrations

from helpdesk.pg import postgres_indexes

NAME = "ticket_closed_desc_idx"


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_perf_indexes")]

    operations = [postgres_indexes({NAME: "tickets_ticket (closed_at DESC NULLS LAST, id DESC)"})]
