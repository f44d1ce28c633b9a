"""Notification-group emails (ticket created, public agent reply, ticket closed) and the
contract "ticket closed" update."""

import pytest

from contracts.models import ContractNotification
from customers.models import NotificationEvent
from helpdesk.models import OutboxMessage
from helpdesk.outbox import deliver_outbox, email_kinds, sweep_outbox
from tests import factories
from tests.contracts.helpers import contract_ticket, hour_contract
from tests.outbox.helpers import deliver_again
from tickets.models import Article, TicketState
from tickets.services import article_add, ticket_create, ticket_set_state

pytestmark = pytest.mark.django_db


def _group(customer, *events, contacts=(), agents=(), **kwargs):
    group = factories.NotificationGroupFactory(customer=customer, events=list(events), **kwargs)
    group.customer_users.add(*contacts)
    group.agents.add(*agents)
    return group


def _recipients(outbox):
    return sorted(address for mail in outbox for address in mail.to)


@pytest.fixture
def world(queue):
    customer = factories.CustomerFactory()
    seeing_agent = factories.AgentFactory()
    factories.TeamFactory(members=[seeing_agent], queues=[queue])
    return {
        "customer": customer,
        "queue": queue,
        "contact": factories.CustomerUserFactory(customer=customer),
        "seeing_agent": seeing_agent,
        "blind_agent": factories.AgentFactory(),
    }


def _create(world, capture):
    with capture(execute=True):
        return ticket_create(
            title="Printer on fire",
            body="Help",
            customer_user=world["contact"],
            queue=world["queue"],
        )


def test_ticket_created_mails_members_who_may_see_it(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    customer = world["customer"]
    gone = factories.CustomerUserFactory(customer=customer, is_active=False)
    moved = factories.CustomerUserFactory()  # member of the group, not of the customer
    inactive_agent = factories.AgentFactory(is_active=False)
    _group(
        customer,
        NotificationEvent.TICKET_CREATED,
        contacts=[world["contact"], gone, moved],
        agents=[world["seeing_agent"], world["blind_agent"], inactive_agent],
    )
    _group(customer, NotificationEvent.TICKET_CLOSED, contacts=[world["contact"]])
    _group(
        customer,
        NotificationEvent.TICKET_CREATED,
        contacts=[world["contact"]],
        is_active=False,
        name="Dormant",
    )

    ticket = _create(world, django_capture_on_commit_callbacks)

    assert _recipients(mailoutbox) == sorted([world["contact"].email, world["seeing_agent"].email])
    assert mailoutbox[0].subject == f"[Ticket#{ticket.number}] New ticket: Printer on fire"
    assert "Printer on fire" in mailoutbox[0].alternatives[0][0]
    rows = OutboxMessage.objects.values_list("kind", "key", "status").distinct()
    assert list(rows) == [("notification_ticket", f"ticket_created:ticket:{ticket.pk}", "sent")]


def test_ticket_created_without_groups_sends_nothing(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    _create(world, django_capture_on_commit_callbacks)

    assert mailoutbox == []


def test_group_task_repeat_sends_nothing_twice(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    _group(world["customer"], NotificationEvent.TICKET_CREATED, contacts=[world["contact"]])
    _create(world, django_capture_on_commit_callbacks)

    deliver_again()

    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("sender_type", "is_public", "mails"),
    [
        (Article.SenderType.AGENT, True, 1),
        (Article.SenderType.AGENT, False, 0),
        (Article.SenderType.CUSTOMER, True, 0),
    ],
)
def test_public_agent_reply_mails_subscribed_groups(
    world, mailoutbox, django_capture_on_commit_callbacks, sender_type, is_public, mails
):
    _group(world["customer"], NotificationEvent.AGENT_PUBLIC_REPLY, contacts=[world["contact"]])
    ticket = factories.TicketFactory(customer_user=world["contact"], queue=world["queue"])

    with django_capture_on_commit_callbacks(execute=True):
        article_add(
            ticket=ticket,
            by=world["seeing_agent"],
            body="We replaced the toner.",
            sender_type=sender_type,
            is_public=is_public,
        )

    assert len(mailoutbox) == mails
    if mails:
        assert "We replaced the toner." in mailoutbox[0].body
        assert mailoutbox[0].subject.startswith(f"[Ticket#{ticket.number}] Reply from support")


def _close(ticket, capture, state="closed"):
    with capture(execute=True):
        return ticket_set_state(
            ticket=ticket, state=TicketState.objects.get(name=state), by=factories.AgentFactory()
        )


def test_ticket_closed_on_contract_mails_contact_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    contract = hour_contract(hours=10, threshold=None)
    ticket = contract_ticket(contract, title="Laptop swap")
    factories.TimeEntryFactory(ticket=ticket, minutes=90)
    factories.TimeEntryFactory(ticket=contract_ticket(contract), minutes=30)

    ticket = _close(ticket, django_capture_on_commit_callbacks)
    deliver_again()

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [contract.customer_contact.email]
    assert mail.subject == (
        f'[{contract.customer.customer_id}] Contract "{contract.description}": '
        f"ticket #{ticket.number} closed"
    )
    assert f'ticket #{ticket.number} "Laptop swap"' in mail.body
    assert "Time spent on this ticket: 1:30 h (90 minutes)" in mail.body
    assert "Contract hours used:       2.00 of 10.00" in mail.body
    assert "Contract hours remaining:  8.00" in mail.body
    notice = ContractNotification.objects.get()
    assert (notice.kind, notice.ticket, notice.key) == (
        "ticket_closed",
        ticket,
        f"ticket:{ticket.pk}:{ticket.closed_at.isoformat()}",
    )


def test_ticket_closed_again_after_reopen_mails_again(
    mailoutbox, django_capture_on_commit_callbacks
):
    contract = factories.ContractFactory()
    ticket = contract_ticket(contract)

    _close(ticket, django_capture_on_commit_callbacks)
    _close(ticket, django_capture_on_commit_callbacks, state="completed")  # still closed
    _close(ticket, django_capture_on_commit_callbacks, state="open")
    _close(ticket, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 2
    assert ContractNotification.objects.filter(kind="ticket_closed").count() == 2


def test_ticket_closed_without_contract_sends_no_contract_update(
    mailoutbox, django_capture_on_commit_callbacks
):
    ticket = factories.TicketFactory()

    _close(ticket, django_capture_on_commit_callbacks)

    assert mailoutbox == []


def test_ticket_closed_deactivated_contact_gets_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    contract = factories.ContractFactory()
    ticket = contract_ticket(contract)
    type(contract.customer_contact).objects.filter(pk=contract.customer_contact.pk).update(
        is_active=False
    )

    _close(ticket, django_capture_on_commit_callbacks)

    assert mailoutbox == []
    assert ContractNotification.objects.get().kind == "ticket_closed"  # raised, owed to nobody
    assert not OutboxMessage.objects.filter(kind="contract_ticket_closed").exists()


def test_ticket_closed_mails_groups_subscribed(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    _group(world["customer"], NotificationEvent.TICKET_CLOSED, agents=[world["seeing_agent"]])
    ticket = factories.TicketFactory(customer_user=world["contact"], queue=world["queue"])

    _close(ticket, django_capture_on_commit_callbacks)

    assert _recipients(mailoutbox) == [world["seeing_agent"].email]
    assert mailoutbox[0].subject.startswith(f"[Ticket#{ticket.number}] Ticket closed")


def test_notification_kinds_are_registered_and_tasks_have_explicit_names():
    assert {"notification_ticket", "contract_ticket_closed"} <= set(email_kinds())
    assert deliver_outbox.name == "helpdesk.tasks.deliver_outbox"
    assert sweep_outbox.name == "helpdesk.tasks.sweep_outbox"
