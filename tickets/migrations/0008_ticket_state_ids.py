"""Once created a PostgreSQL function for the state rule; 0015_plain_reads removes it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_ticket_text_trgm")]

    operations = []
