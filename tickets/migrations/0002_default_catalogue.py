"""The default state catalogue of DESIGN §4, priorities 1–4 and a default queue."""

from django.db import migrations

STATES = [
    ("new", "New", "new"),
    ("open", "Open", "open"),
    ("in_progress", "In progress", "open"),
    ("awaiting_approval", "Awaiting approval", "open"),
    ("planning", "Planning", "open"),
    ("awaiting_implementation", "Awaiting implementation", "open"),
    ("implementing", "Implementing", "open"),
    ("declined", "Declined", "open"),
    ("awaiting_backout", "Awaiting backout", "open"),
    ("pending", "Pending reminder", "pending_reminder"),
    ("pending_auto_close", "Pending auto close", "pending_auto_close"),
    ("resolved", "Resolved", "resolved"),
    ("closed", "Closed", "closed"),
    ("completed", "Completed", "closed"),
    ("cancelled", "Cancelled", "closed"),
    ("closed_with_backout", "Closed with backout", "closed"),
    ("merged", "Merged", "merged"),
    ("removed", "Removed", "removed"),
]
PRIORITIES = [(1, "Critical"), (2, "High"), (3, "Medium"), (4, "Low")]
DEFAULT_QUEUE = "Service Desk"


def install(apps, schema_editor):
    TicketState = apps.get_model("tickets", "TicketState")
    Priority = apps.get_model("tickets", "Priority")
    Queue = apps.get_model("tickets", "Queue")
    for name, label, state_type in STATES:
        TicketState.objects.update_or_create(
            name=name, defaults={"label": label, "state_type": state_type}
        )
    for level, name in PRIORITIES:
        Priority.objects.update_or_create(level=level, defaults={"name": name})
    Queue.objects.get_or_create(
        name=DEFAULT_QUEUE,
        defaults={"first_response_minutes": 240, "update_minutes": 1440, "solution_minutes": 4320},
    )


def uninstall(apps, schema_editor):
    apps.get_model("tickets", "TicketState").objects.filter(
        name__in=[s[0] for s in STATES], tickets__isnull=True
    ).delete()
    apps.get_model("tickets", "Priority").objects.filter(tickets__isnull=True).delete()
    apps.get_model("tickets", "Queue").objects.filter(name=DEFAULT_QUEUE, tickets__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
