"""The upgrade to the outbox: what the old guard tables and columns recorded as sent becomes
sent outbox rows, so nothing is sent again; the same email owed again stays a no-op."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from customers.models import NotificationEvent
from helpdesk.models import OutboxMessage
from tests import factories
from tickets.emails import customer_update_notice_add, ticket_event_emails_add

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("customers", "0007_login_characters"),
    ("portal", "0002_submissions_to_helpdesk"),
    ("contracts", "0003_contract_minutes_used"),
    ("tickets", "0015_plain_reads"),
    ("helpdesk", "0001_submissions"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def test_upgrade_turns_what_was_sent_into_sent_rows_and_sends_nothing_again(queue):
    contact = factories.CustomerUserFactory(email="contact@c.example")
    owner = factories.AgentFactory(email="owner@example.com")
    factories.TeamFactory(members=[owner], queues=[queue])
    factories.NotificationGroupFactory(
        customer=contact.customer, events=[NotificationEvent.TICKET_CREATED]
    ).customer_users.add(contact)
    ticket = factories.TicketFactory(queue=queue, customer_user=contact, owner=owner)
    reply = factories.ArticleFactory(ticket=ticket, message_id="<old-reply@example.com>")
    update = factories.ArticleFactory(ticket=ticket, sender_type="customer")
    notice = factories.ContractNotificationFactory(key="hours:10.00")
    unsent = factories.ContractNotificationFactory(kind="limit", key="hours:10.00")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        old.get_model("tickets", "TicketEvent").objects.create(
            ticket_id=ticket.pk,
            action="email_sent",
            from_value=str(reply.pk),
            to_value=contact.email,
        )
        old.get_model("customers", "NotificationDelivery").objects.create(
            event="ticket_created",
            key=f"ticket:{ticket.pk}",
            sent_at=ticket.created_at,
            recipients=f"{contact.email}, Other@Example.com",
        )
        old.get_model("portal", "AgentNotice").objects.create(
            article_id=update.pk, sent_at=update.created_at, recipients=owner.email
        )
        old.get_model("contracts", "ContractNotification").objects.filter(pk=notice.pk).update(
            sent_at=notice.created_at, recipients="a@c.example, b@c.example"
        )
    finally:
        _migrate(latest)

    rows = sorted(
        OutboxMessage.objects.values_list("kind", "key", "recipient", "status", "message_id")
    )
    contract_key = f"contract:{notice.contract_id}:hours:10.00"
    created_key = f"ticket_created:ticket:{ticket.pk}"
    assert rows == [
        ("contract_threshold", contract_key, "a@c.example", "sent", ""),
        ("contract_threshold", contract_key, "b@c.example", "sent", ""),
        ("notification_ticket", created_key, contact.email, "sent", ""),
        ("notification_ticket", created_key, "other@example.com", "sent", ""),
        ("portal_customer_update", f"article:{update.pk}", owner.email, "sent", ""),
        ("ticket_reply", f"article:{reply.pk}", contact.email, "sent", "<old-reply@example.com>"),
    ]
    assert unsent.pk  # never sent before the upgrade: no row claims it was
    assert ticket.events.filter(action="email_sent").count() == 1  # history stays

    # Owed again after the upgrade (a repeated task, a retried request): nothing new.
    ticket_event_emails_add(
        ticket=ticket, event=NotificationEvent.TICKET_CREATED, key=f"ticket:{ticket.pk}"
    )
    customer_update_notice_add(article=update, action="update")

    assert OutboxMessage.objects.count() == len(rows)
    assert not OutboxMessage.objects.filter(status="pending").exists()
