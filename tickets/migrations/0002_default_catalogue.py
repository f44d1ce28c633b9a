"""The default state catalogue of DESIGN §4, priorities 1–4 and a default queue."""

from django.db import migrations
from django.utils.translation import gettext_noop

STATES = [
    ("new", gettext_noop("New"), "new"),
    ("open", gettext_noop("Open"), "open"),
    ("in_progress", gettext_noop("In progress"), "open"),
    ("awaiting_approval", gettext_noop("Awaiting approval"), "open"),
    ("planning", gettext_noop("Planning"), "open"),
    ("awaiting_implementation", gettext_noop("Awaiting implementation"), "open"),
    ("implementing", gettext_noop("Implementing"), "open"),
    ("declined", gettext_noop("Declined"), "open"),
    ("awaiting_backout", gettext_noop("Awaiting backout"), "open"),
    ("pending", gettext_noop("Pending reminder"), "pending_reminder"),
    ("pending_auto_close", gettext_noop("Pending auto close"), "pending_auto_close"),
    ("resolved", gettext_noop("Resolved"), "resolved"),
    ("closed", gettext_noop("Closed"), "closed"),
    ("completed", gettext_noop("Completed"), "closed"),
    ("cancelled", gettext_noop("Cancelled"), "closed"),
    ("closed_with_backout", gettext_noop("Closed with backout"), "closed"),
    ("merged", gettext_noop("Merged"), "merged"),
    ("removed", gettext_noop("Removed"), "removed"),
]
PRIORITIES = [
    (1, gettext_noop("Critical")),
    (2, gettext_noop("High")),
    (3, gettext_noop("Medium")),
    (4, gettext_noop("Low")),
]
DEFAULT_QUEUE = gettext_noop("Service Desk")


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
    apps.get_model("tickets", "Queue").objects.filter(
        name=DEFAULT_QUEUE, tickets__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
