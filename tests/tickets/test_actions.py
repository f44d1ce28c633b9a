"""Actions on the zoom: reply (email), note, state, lock, fields, time accounting."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import OutboxMessage
from tests import factories
from tests.outbox.helpers import deliver_again
from tickets.models import Ticket, TicketEvent, TimeEntry

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def ticket(queue):
    return factories.TicketFactory(queue=queue, state="new", title="Printer jammed")


def post(client, name, ticket, data, htmx=True):
    return client.post(
        reverse(f"tickets:{name}", args=[ticket.number]), data, headers=HX if htmx else {}
    )


def local_input(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


# --- reply ----------------------------------------------------------------------------------


def test_reply_adds_a_public_article_and_emails_the_customer_user(
    agent_client, agent, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(agent_client, "reply", ticket, {"body": "We are on it."})

    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {
        "showMessage": f"Reply sent to {ticket.customer_user.email}."
    }
    article = ticket.articles.get()
    assert (article.sender_type, article.is_public, article.channel, article.author) == (
        "agent",
        True,
        "email",
        agent,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ticket.customer_user.email]
    assert message.subject == f"[Ticket#{ticket.number}] Re: Printer jammed"
    assert message.extra_headers["Message-ID"] == article.message_id
    assert article.message_id.startswith("<")
    assert article.message_id.endswith(">")
    assert "We are on it." in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert "We are on it." in message.alternatives[0].content


def test_second_reply_threads_under_the_previous_messages(
    agent_client, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(agent_client, "reply", ticket, {"body": "First"})
        post(agent_client, "reply", ticket, {"body": "Second"})

    first, second = ticket.articles.order_by("id")
    headers = mail.outbox[1].extra_headers
    assert headers["In-Reply-To"] == first.message_id
    assert headers["References"] == first.message_id
    assert headers["Message-ID"] == second.message_id
    assert first.message_id != second.message_id


def test_reply_email_task_sends_once(agent_client, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(agent_client, "reply", ticket, {"body": "Once"})
    article = ticket.articles.get()

    deliver_again()

    assert len(mail.outbox) == 1
    row = OutboxMessage.objects.get()
    assert (row.kind, row.key, row.status) == ("ticket_reply", f"article:{article.pk}", "sent")
    assert ticket.events.filter(action="email_sent").count() == 1


def test_reply_with_attachment_stores_and_attaches_it(
    agent_client, ticket, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("log.txt", b"error 42", content_type="text/plain")

    with django_capture_on_commit_callbacks(execute=True):
        post(agent_client, "reply", ticket, {"body": "See log", "attachments": [upload]})

    attachment = ticket.articles.get().attachments.get()
    assert (attachment.filename, attachment.size) == ("log.txt", 8)
    assert mail.outbox[0].attachments[0][:2] == ("log.txt", b"error 42")


def test_reply_empty_body_is_a_422_fragment_and_changes_nothing(agent_client, ticket):
    response = post(agent_client, "reply", ticket, {"body": "   "})

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#action-reply"
    assert "This field is required." in response.content.decode()
    assert ticket.articles.count() == 0
    assert len(mail.outbox) == 0


def test_reply_without_customer_user_is_refused(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue, customer_user=None, customer=None)

    response = post(agent_client, "reply", ticket, {"body": "Hello"})

    assert response.status_code == 422
    assert "no customer user with an email address" in response.content.decode()
    assert ticket.articles.count() == 0


def test_reply_too_many_attachments_is_refused(agent_client, ticket, settings):
    settings.HELPDESK_MAX_ATTACHMENTS = 1
    files = [SimpleUploadedFile(f"f{i}.txt", b"x") for i in range(2)]

    response = post(agent_client, "reply", ticket, {"body": "Hi", "attachments": files})

    assert response.status_code == 422
    assert "At most 1 files can be attached." in response.content.decode()
    assert ticket.articles.count() == 0


def test_reply_without_htmx_redirects_to_the_zoom(agent_client, ticket):
    response = post(agent_client, "reply", ticket, {"body": "Plain"}, htmx=False)

    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.number])


# --- notes ----------------------------------------------------------------------------------


def test_note_is_internal_and_sends_no_email(
    agent_client, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(agent_client, "note", ticket, {"body": "Called the vendor"})

    assert response.status_code == 200
    article = ticket.articles.get()
    assert (article.is_public, article.channel, article.sender_type) == (False, "note", "agent")
    assert mail.outbox == []
    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_phone_call_note_is_public_on_the_phone_channel(agent_client, ticket):
    post(agent_client, "note", ticket, {"body": "Talked to her", "kind": "phone"})

    article = ticket.articles.get()
    assert (article.is_public, article.channel) == (True, "phone")


# --- state ----------------------------------------------------------------------------------


def test_set_pending_with_a_future_time(agent_client, agent, ticket):
    until = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)

    response = post(
        agent_client, "set-state", ticket, {"state": "pending", "pending_until": local_input(until)}
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.state.name, ticket.pending_until) == ("pending", until)
    event = TicketEvent.objects.get(ticket=ticket, action="state")
    assert (event.actor, event.from_value, event.to_value) == (agent, "new", "pending")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"state": "pending"}, "A pending state needs a pending time."),
        ({"state": "pending", "pending_until": "past"}, "The pending time must be in the future."),
        ({"state": "pending", "pending_until": "tomorrow"}, "Enter a valid date/time."),
        ({"state": "sleeping"}, "Select a valid choice."),
        ({"state": "merged"}, "Select a valid choice."),
    ],
)
def test_set_state_bad_input_is_a_422_and_changes_nothing(agent_client, ticket, data, message):
    if data.get("pending_until") == "past":
        data["pending_until"] = local_input(timezone.now() - timedelta(minutes=5))

    response = post(agent_client, "set-state", ticket, data)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#action-state"
    assert message in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.state.name, ticket.pending_until) == ("new", None)
    assert TicketEvent.objects.filter(ticket=ticket).count() == 0


def test_resolve_stamps_the_time_and_clears_escalation(agent_client, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(escalation_due=timezone.now())

    post(agent_client, "set-state", ticket, {"state": "resolved"})

    ticket.refresh_from_db()
    assert ticket.state.name == "resolved"
    assert ticket.resolved_at is not None
    assert ticket.escalation_due is None


# --- lock -----------------------------------------------------------------------------------


def test_lock_makes_the_agent_owner_and_unlock_keeps_it(agent_client, agent, ticket):
    post(agent_client, "lock", ticket, {"locked": "1"})
    ticket.refresh_from_db()
    assert (ticket.is_locked, ticket.owner) == (True, agent)

    post(agent_client, "lock", ticket, {"locked": "0"})
    ticket.refresh_from_db()
    assert (ticket.is_locked, ticket.owner) == (False, agent)
    actions = list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True))
    assert actions == ["owner", "lock", "unlock"]


def test_lock_without_a_value_toggles(agent_client, ticket):
    post(agent_client, "lock", ticket, {})

    ticket.refresh_from_db()
    assert ticket.is_locked is True


# --- fields ---------------------------------------------------------------------------------


def test_update_changes_owner_and_priority_with_events(agent_client, agent, ticket):
    other = factories.AgentFactory()

    response = post(agent_client, "update", ticket, {"owner": other.pk, "priority": "1"})

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.owner, ticket.priority.level) == (other, 1)
    assert set(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True)) == {
        "owner",
        "priority",
    }


def test_update_only_changes_posted_fields(agent_client, ticket):
    service = factories.ServiceFactory()
    Ticket.objects.filter(pk=ticket.pk).update(service=service)

    post(agent_client, "update", ticket, {"priority": "2"})

    ticket.refresh_from_db()
    assert (ticket.service, ticket.priority.level) == (service, 2)


def test_update_to_a_queue_of_another_team_is_refused(agent_client, ticket, queue):
    foreign = factories.QueueFactory()

    response = post(agent_client, "update", ticket, {"queue": foreign.pk})

    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.queue == queue


def test_update_contract_of_another_customer_is_refused(agent_client, ticket):
    foreign = factories.ContractFactory()

    response = post(agent_client, "update", ticket, {"contract": foreign.pk})

    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.contract is None


def test_update_sla_recomputes_escalation(agent_client, ticket):
    sla = factories.SLAFactory(first_response_minutes=5, update_minutes=10, solution_minutes=20)

    post(agent_client, "update", ticket, {"sla": sla.pk})

    ticket.refresh_from_db()
    assert ticket.escalation_due == ticket.created_at + timedelta(minutes=5)


# --- time -----------------------------------------------------------------------------------


def test_add_time_books_minutes(agent_client, agent, ticket):
    response = post(agent_client, "add-time", ticket, {"minutes": "30", "note": "Diagnosis"})

    assert response.status_code == 200
    entry = TimeEntry.objects.get(ticket=ticket)
    assert (entry.minutes, entry.note, entry.agent, entry.overage_accepted) == (
        30,
        "Diagnosis",
        agent,
        False,
    )


@pytest.mark.parametrize("minutes", ["0", "-5", "abc", ""])
def test_add_time_bad_minutes_is_a_422(agent_client, ticket, minutes):
    response = post(agent_client, "add-time", ticket, {"minutes": minutes})

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#action-time"
    assert TimeEntry.objects.count() == 0


def _contract_at_limit(ticket, agent):
    contract = factories.ContractFactory(
        customer=ticket.customer, has_hour_restriction=True, contract_hours=Decimal("2")
    )
    Ticket.objects.filter(pk=ticket.pk).update(contract=contract)
    factories.TimeEntryFactory(ticket=ticket, agent=agent, minutes=120)
    return contract


def test_add_time_over_the_contract_limit_asks_first_and_saves_nothing(agent_client, agent, ticket):
    _contract_at_limit(ticket, agent)

    response = post(agent_client, "add-time", ticket, {"minutes": "15", "note": "extra"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-prompt="overage"' in body
    assert "This contract has used 2.00 of 2.00 hours. Add additional time?" in body
    assert TimeEntry.objects.filter(ticket=ticket).count() == 1


def test_add_time_over_the_limit_is_saved_once_accepted(agent_client, agent, ticket):
    _contract_at_limit(ticket, agent)

    response = post(
        agent_client, "add-time", ticket, {"minutes": "15", "note": "extra", "accept_overage": "on"}
    )

    assert response.status_code == 200
    entry = TimeEntry.objects.filter(ticket=ticket).latest("id")
    assert (entry.minutes, entry.overage_accepted, entry.overage_accepted_by) == (15, True, agent)
