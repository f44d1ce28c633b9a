"""Once created triggers that kept `TicketCount`; 0015_plain_reads removes them and the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_ticket_count")]

    operations = []
