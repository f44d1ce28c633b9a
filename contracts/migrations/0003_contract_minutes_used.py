"""The stored running total behind `Contract.hours_used` (issue 9: the Customer Information
widget, the zoom and every time booking summed all time entries of all the contract's
tickets, 80,000 tickets for the largest customer). Backfilled here with the rule itself:
SUM(minutes) of the time entries of the contract's tickets; `contracts.services` keeps it."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    TimeEntry = apps.get_model("tickets", "TimeEntry")
    total = (
        TimeEntry.objects.filter(ticket__contract=OuterRef("pk"))
        .order_by()
        .values("ticket__contract")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    Contract.objects.update(minutes_used=Coalesce(Subquery(total), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_initial"),
        ("tickets", "0004_perf_closed_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="minutes_used",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
