"""Contract notices' emails go through the outbox: the recipients of every sent
`ContractNotification` become sent outbox rows (so nothing is sent again); the notice stays as
the record that it was raised, without its delivery fields."""

from django.db import migrations

BATCH = 2000
KINDS = {
    "threshold": "contract_threshold",
    "limit": "contract_limit",
    "ticket_closed": "contract_ticket_closed",
}


def to_outbox(apps, schema_editor):
    Notice = apps.get_model("contracts", "ContractNotification")
    Outbox = apps.get_model("helpdesk", "OutboxMessage")
    rows = []
    for notice in Notice.objects.filter(sent_at__isnull=False).iterator(chunk_size=BATCH):
        if notice.kind == "ticket_closed":
            params = {"ticket": notice.ticket_id, "contract": notice.contract_id}
        else:
            params = {"notice": notice.pk}
        for recipient in {r.strip().lower() for r in notice.recipients.split(",") if r.strip()}:
            rows.append(
                Outbox(
                    kind=KINDS[notice.kind],
                    key=f"contract:{notice.contract_id}:{notice.key}"[:200],
                    recipient=recipient[:254],
                    params=params,
                    status="sent",
                    attempts=1,
                    created_at=notice.created_at,
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
        ("contracts", "0003_contract_minutes_used"),
        ("helpdesk", "0002_outbox"),
    ]

    operations = [
        migrations.RunPython(to_outbox, migrations.RunPython.noop),
        migrations.RemoveField(model_name="contractnotification", name="recipients"),
        migrations.RemoveField(model_name="contractnotification", name="sent_at"),
    ]
