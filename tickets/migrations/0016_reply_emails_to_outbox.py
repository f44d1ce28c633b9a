"""Reply emails go through the outbox: every reply recorded as sent (an `email_sent` event,
which stays as the ticket's history) becomes a sent outbox row with the article's
Message-ID, so nothing is sent again."""

from django.db import migrations

BATCH = 2000


def to_outbox(apps, schema_editor):
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    Article = apps.get_model("tickets", "Article")
    Outbox = apps.get_model("helpdesk", "OutboxMessage")
    events = TicketEvent.objects.filter(action="email_sent").values_list(
        "from_value", "to_value", "created_at"
    )
    batch = []

    def flush():
        ids = [int(article_id) for article_id, _, _ in batch if article_id.isdigit()]
        message_ids = dict(Article.objects.filter(pk__in=ids).values_list("pk", "message_id"))
        Outbox.objects.bulk_create(
            [
                Outbox(
                    kind="ticket_reply",
                    key=f"article:{article_id}",
                    recipient=recipient.strip().lower()[:254],
                    params={"article": int(article_id)},
                    message_id=message_ids.get(int(article_id), ""),
                    status="sent",
                    attempts=1,
                    created_at=sent_at,
                    next_attempt_at=sent_at,
                    sent_at=sent_at,
                )
                for article_id, recipient, sent_at in batch
                if article_id.isdigit() and recipient.strip()
            ],
            ignore_conflicts=True,
        )
        batch.clear()

    for event in events.iterator(chunk_size=BATCH):
        batch.append(event)
        if len(batch) >= BATCH:
            flush()
    flush()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0015_plain_reads"),
        ("helpdesk", "0002_outbox"),
    ]

    operations = [migrations.RunPython(to_outbox, migrations.RunPython.noop)]
