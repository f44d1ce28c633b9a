"""The reply by email with Cc (`tickets:reply`): To is the customer user, Cc is checked, one
outbox row and envelope per recipient, every copy with the same Message-ID and headers."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from helpdesk.models import OutboxMessage
from tests import factories
from tests.outbox.helpers import deliver_pending
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def ticket(queue):
    queue.email_address = "support@helpdesk.example.com"
    queue.save()
    return factories.TicketFactory(queue=queue, state="open", title="Printer jammed")


def reply(client, ticket, cc, body="We are on it."):
    url = reverse("tickets:reply", args=[ticket.number])
    return client.post(url, {"body": body, "cc": cc}, headers=HX)


def test_reply_form_shows_to_and_an_empty_cc(agent_client, ticket):
    body = agent_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()

    assert f"To: {ticket.customer_user.full_name} &lt;{ticket.customer_user.email}&gt;" in body
    assert 'name="cc"' in body


def test_reply_with_cc_goes_to_each_recipient_with_one_message_id(
    agent_client, ticket, django_capture_on_commit_callbacks
):
    customer = ticket.customer_user.email
    cc = f"Boss@Example.com; it@example.com,boss@example.com , {customer.upper()}"

    with django_capture_on_commit_callbacks(execute=True):
        response = reply(agent_client, ticket, cc)

    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {
        "showMessage": f"Reply sent to {customer}, boss@example.com, it@example.com."
    }
    article = ticket.articles.get()
    assert (article.email_from, article.email_to, article.email_cc) == (
        "support@helpdesk.example.com",
        customer,
        "boss@example.com,it@example.com",
    )
    rows = OutboxMessage.objects.all()
    assert sorted(rows.values_list("recipient", "message_id", "status")) == sorted(
        (address, article.message_id, "sent")
        for address in (customer, "boss@example.com", "it@example.com")
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(rows.values_list("recipient", flat=True))
    for message in mail.outbox:
        assert len(message.recipients()) == 1  # the envelope: this row's recipient only
        assert message.extra_headers["To"] == customer
        assert message.extra_headers["Cc"] == "boss@example.com, it@example.com"
        assert message.extra_headers["Message-ID"] == article.message_id
        assert message.from_email == "support@helpdesk.example.com"
        assert message.message()["Cc"] == "boss@example.com, it@example.com"
    sent = TicketEvent.objects.filter(ticket=ticket, action="email_sent")
    assert sorted(sent.values_list("to_value", flat=True)) == sorted(
        [customer, "boss@example.com", "it@example.com"]
    )


def test_reply_without_cc_has_no_cc_header_and_the_default_sender(
    agent_client, queue, settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <Desk@Example.com>"
    ticket = factories.TicketFactory(queue=queue, state="open")

    with django_capture_on_commit_callbacks(execute=True):
        reply(agent_client, ticket, "")

    article = ticket.articles.get()
    assert (article.email_from, article.email_cc) == ("desk@example.com", "")
    (message,) = mail.outbox
    assert "Cc" not in message.message()
    assert message.message()["To"] == ticket.customer_user.email


@pytest.mark.parametrize(
    ("cc", "error"),
    [
        ("boss@example.com, not-an-address", "Not a valid email address: not-an-address."),
        ("a@example.com; b@@example.com; <c>", "Not a valid email address: b@@example.com, c."),
        (
            ", ".join(f"p{i}@example.com" for i in range(11)),
            "At most 10 Cc addresses, not 11.",
        ),
        ("x" * 3001, "Ensure this value has at most 3000 characters (it has 3001)."),
    ],
)
def test_bad_cc_is_a_form_error_and_saves_nothing(agent_client, ticket, cc, error):
    response = reply(agent_client, ticket, cc, body="Kept text")

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#action-reply"
    content = response.content.decode()
    assert error in content
    assert "Kept text" in content
    assert ticket.articles.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_ten_cc_after_removing_duplicates_and_to_are_accepted(agent_client, ticket):
    cc = [f"p{i}@example.com" for i in range(10)] + ["P0@example.com", ticket.customer_user.email]

    response = reply(agent_client, ticket, ", ".join(cc))

    assert response.status_code == 200
    assert len(ticket.articles.get().email_cc.split(",")) == 10
    assert OutboxMessage.objects.count() == 11


def test_named_cc_address_is_taken_by_its_address(agent_client, ticket):
    reply(agent_client, ticket, "Jane Boss <Jane.Boss@Example.com>")

    assert ticket.articles.get().email_cc == "jane.boss@example.com"


def test_cc_rows_are_sent_when_the_customer_user_was_deactivated(agent_client, ticket):
    reply(agent_client, ticket, "boss@example.com")  # never committed: the rows wait
    ticket.customer_user.is_active = False
    ticket.customer_user.save()

    deliver_pending()

    statuses = dict(OutboxMessage.objects.values_list("recipient", "status"))
    assert statuses == {ticket.customer_user.email: "skipped", "boss@example.com": "sent"}
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]


def test_cc_rows_are_skipped_when_the_article_is_gone(agent_client, ticket):
    reply(agent_client, ticket, "boss@example.com")
    ticket.articles.all().delete()

    deliver_pending()

    assert set(OutboxMessage.objects.values_list("status", "last_error")) == {
        ("skipped", "The article no longer exists.")
    }
    assert mail.outbox == []
