"""Notification-group emails go through the outbox: every sent `NotificationDelivery` becomes
one sent outbox row per recipient (so nothing is sent again), then the table goes."""

from django.db import migrations

BATCH = 2000


def to_outbox(apps, schema_editor):
    Delivery = apps.get_model("customers", "NotificationDelivery")
    Outbox = apps.get_model("helpdesk", "OutboxMessage")
    rows = []
    for delivery in Delivery.objects.filter(sent_at__isnull=False).iterator(chunk_size=BATCH):
        for recipient in {r.strip().lower() for r in delivery.recipients.split(",") if r.strip()}:
            rows.append(
                Outbox(
                    kind="notification_ticket",
                    key=f"{delivery.event}:{delivery.key}"[:200],
                    recipient=recipient[:254],
                    status="sent",
                    attempts=1,
                    created_at=delivery.created_at,
                    next_attempt_at=delivery.sent_at,
                    sent_at=delivery.sent_at,
                )
            )
        if len(rows) >= BATCH:
            Outbox.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Outbox.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_login_characters"),
        ("helpdesk", "0002_outbox"),
    ]

    operations = [
        migrations.RunPython(to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="NotificationDelivery"),
    ]
