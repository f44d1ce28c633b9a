"""Portal notices to agents go through the outbox: every sent `AgentNotice` becomes one sent
outbox row per recipient (so nothing is sent again), then the table goes."""

from django.db import migrations

BATCH = 2000


def to_outbox(apps, schema_editor):
    Notice = apps.get_model("portal", "AgentNotice")
    Outbox = apps.get_model("helpdesk", "OutboxMessage")
    rows = []
    for notice in Notice.objects.filter(sent_at__isnull=False).iterator(chunk_size=BATCH):
        for recipient in {r.strip().lower() for r in notice.recipients.split(",") if r.strip()}:
            rows.append(
                Outbox(
                    kind="portal_customer_update",
                    key=f"article:{notice.article_id}",
                    recipient=recipient[:254],
                    params={"article": notice.article_id},
                    status="sent",
                    attempts=1,
                    created_at=notice.sent_at,
                    next_attempt_at=notice.sent_at,
                    sent_at=notice.sent_at,
                )
            )
        if len(rows) >= BATCH:
            Outbox.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Outbox.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_submissions_to_helpdesk"),
        ("helpdesk", "0002_outbox"),
    ]

    operations = [
        migrations.RunPython(to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="AgentNotice"),
    ]
