"""A real SMTP server (aiosmtpd on 127.0.0.1) that refuses: the email is delivered once it
accepts; refused for hours, it shows as failed in the admin and in /healthz, and a retry from
the admin sends it once; refused for good (5xx), it fails at once."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from helpdesk.models import OutboxMessage
from helpdesk.outbox import LOOP_HEADER, MAX_ATTEMPTS, mail_domain, outbox_sweep
from tests import factories
from tests.outbox.helpers import committed, later
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(queue):
    return factories.TicketFactory(queue=queue, state="open", title="Printer jammed")


def _owe_reply(ticket, agent) -> OutboxMessage:
    committed(ticket_reply, ticket=ticket, by=agent, body="We are on it.")
    return OutboxMessage.objects.get()


def _sweep_at(minutes: float):
    outbox_sweep(now=later(minutes), seconds=None)


def test_smtp_refusing_for_a_while_delivers_once_it_accepts(smtp_server, ticket, agent):
    smtp_server.refuse = 3  # the first try and two retries are answered "451 try again later"

    row = _owe_reply(ticket, agent)
    row.refresh_from_db()
    assert (row.status, row.attempts, smtp_server.messages) == ("pending", 1, [])
    assert "451" in row.last_error
    _sweep_at(0.5)  # backing off: not tried again yet
    _sweep_at(1.5)  # second attempt, refused
    _sweep_at(4)  # third, refused
    _sweep_at(9)  # fourth, accepted
    _sweep_at(60)
    _sweep_at(600)

    row.refresh_from_db()
    assert (row.status, row.attempts, smtp_server.refused) == ("sent", 4, 3)
    assert smtp_server.received() == [(ticket.customer_user.email, row.message_id)]
    message = smtp_server.messages[0][1]
    assert message["Subject"] == f"[Ticket#{ticket.number}] Re: Printer jammed"


def test_smtp_refusing_for_hours_fails_visibly_and_an_admin_retry_sends_once(
    smtp_server, ticket, agent, client, admin_user, settings
):
    settings.CELERY_BROKER_URL = None
    smtp_server.refuse = 10_000
    row = _owe_reply(ticket, agent)
    row.refresh_from_db()
    waits = [row.next_attempt_at - row.created_at]
    while row.status == "pending":
        now = row.next_attempt_at + timedelta(seconds=31)  # the sweeper's next run
        outbox_sweep(now=now, seconds=None)
        row.refresh_from_db()
        if row.status == "pending":
            waits.append(row.next_attempt_at - now)

    minutes = [round(wait.total_seconds() / 60) for wait in waits]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60]  # about six hours in all
    assert (row.status, row.attempts, smtp_server.refused) == ("failed", MAX_ATTEMPTS, 12)
    assert smtp_server.messages == []
    client.force_login(admin_user)
    listed = client.get(reverse("admin:helpdesk_outboxmessage_changelist"), {"status": "failed"})
    assert [r.pk for r in listed.context["cl"].result_list] == [row.pk]
    health = client.get(reverse("healthz"))
    assert (health.status_code, json.loads(health.content)["outbox"]) == (
        200,
        {"failed": 1, "overdue": 0},
    )

    smtp_server.refuse = 0
    committed(
        client.post,
        reverse("admin:helpdesk_outboxmessage_changelist"),
        {"action": "retry", "_selected_action": [row.pk]},
    )
    _sweep_at(60 * 24)

    row.refresh_from_db()
    assert row.status == "sent"
    assert smtp_server.received() == [(ticket.customer_user.email, row.message_id)]
    assert json.loads(client.get(reverse("healthz")).content)["outbox"]["failed"] == 0


def test_smtp_refusing_for_good_fails_at_once(smtp_server, ticket, agent):
    smtp_server.refuse = 1
    smtp_server.refusal = "550 5.1.1 No such user"

    row = _owe_reply(ticket, agent)
    _sweep_at(600)

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "No such user" in row.last_error
    assert smtp_server.messages == []


def test_smtp_unreachable_costs_an_attempt_not_the_email(settings, ticket, agent):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused

    row = _owe_reply(ticket, agent)

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "refused" in row.last_error.lower()


def test_a_reply_with_cc_arrives_once_per_recipient_as_one_threaded_message(
    smtp_server, ticket, agent
):
    ticket.queue.email_address = "support@helpdesk.example.com"
    ticket.queue.save()
    factories.ArticleFactory(ticket=ticket, message_id="<first@customer.example.com>")
    customer = ticket.customer_user.email

    committed(ticket_reply, ticket=ticket, by=agent, body="We are on it.", cc=["Boss@Example.com"])

    article = ticket.articles.latest("id")
    assert sorted(smtp_server.received()) == sorted(
        [(customer, article.message_id), ("boss@example.com", article.message_id)]
    )
    assert sorted(rcpts for rcpts, _ in smtp_server.messages) == sorted(
        [(customer,), ("boss@example.com",)]
    )
    for _, message in smtp_server.messages:
        assert message["From"] == "support@helpdesk.example.com"
        assert message["To"] == customer
        assert message["Cc"] == "boss@example.com"
        assert message["In-Reply-To"] == "<first@customer.example.com>"
        assert message["References"] == "<first@customer.example.com>"
        assert message[LOOP_HEADER] == mail_domain()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
