"""Notifications re-check permissions at send time: whoever lost access since the email was
owed gets nothing (its outbox row is skipped with the reason)."""

import pytest
from django.core import mail

from contracts.emails import contract_notice_recipients
from customers.models import NotificationEvent
from helpdesk.models import OutboxMessage
from portal.services import portal_request_update
from tests import factories
from tests.outbox.helpers import deliver_pending
from tickets.emails import reminder_recipients
from tickets.services import ticket_create, ticket_reply

pytestmark = pytest.mark.django_db


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def _customer_update(ticket):
    """The customer writes an update; the agents' notice is owed, not yet delivered."""
    return portal_request_update(
        ticket=ticket, customer_user=ticket.customer_user, comment="Any news?"
    )


def test_portal_update_notice_skips_an_owner_removed_from_the_team(queue):
    stayed = factories.AgentFactory(email="stayed@example.com")
    owner = factories.AgentFactory(email="owner@example.com")
    team = factories.TeamFactory(members=[stayed, owner], queues=[queue])
    ticket = factories.TicketFactory(queue=queue, owner=owner, state="open")
    _customer_update(ticket)
    team.members.remove(owner)  # after the update was owed, before it is delivered

    deliver_pending()

    assert _recipients() == ["stayed@example.com"]
    skipped = OutboxMessage.objects.get(recipient="owner@example.com")
    assert (skipped.status, skipped.last_error) == ("skipped", "May no longer see the ticket.")


def test_portal_update_notice_reaches_an_owner_still_in_the_team(queue):
    owner = factories.AgentFactory(email="owner@example.com")
    factories.TeamFactory(members=[owner], queues=[queue])
    ticket = factories.TicketFactory(queue=queue, owner=owner, state="open")
    _customer_update(ticket)

    deliver_pending()

    assert _recipients() == ["owner@example.com"]


def test_reply_email_is_not_sent_to_a_deactivated_customer_user(queue, agent):
    customer_user = factories.CustomerUserFactory(email="gone@customer.example")
    ticket = factories.TicketFactory(queue=queue, customer_user=customer_user, state="open")
    ticket_reply(ticket=ticket, by=agent, body="We are on it.")
    customer_user.is_active = False
    customer_user.save()

    deliver_pending()

    assert mail.outbox == []
    assert OutboxMessage.objects.get().status == "skipped"


def test_reply_email_reaches_an_active_customer_user(queue, agent):
    customer_user = factories.CustomerUserFactory(email="here@customer.example")
    ticket = factories.TicketFactory(queue=queue, customer_user=customer_user, state="open")
    ticket_reply(ticket=ticket, by=agent, body="We are on it.")

    assert deliver_pending()["sent"] == 1
    assert _recipients() == ["here@customer.example"]


def test_group_email_skips_deactivated_contacts_and_agents_outside_the_team(queue):
    customer = factories.CustomerFactory()
    active = factories.CustomerUserFactory(customer=customer, email="active@c.example")
    inactive = factories.CustomerUserFactory(
        customer=customer, email="inactive@c.example", is_active=False
    )
    moved = factories.CustomerUserFactory(email="moved@other.example")  # another customer now
    in_team = factories.AgentFactory(email="in-team@example.com")
    factories.TeamFactory(members=[in_team], queues=[queue])
    outside = factories.AgentFactory(email="outside@example.com")
    group = factories.NotificationGroupFactory(
        customer=customer, events=[NotificationEvent.TICKET_CREATED]
    )
    group.customer_users.add(active, inactive, moved)
    group.agents.add(in_team, outside)
    ticket_create(title="Printer", body="Jammed", customer_user=active, queue=queue)

    deliver_pending()

    assert _recipients() == ["active@c.example", "in-team@example.com"]


def test_group_email_skips_a_member_deactivated_after_the_event(queue):
    customer = factories.CustomerFactory()
    stays = factories.CustomerUserFactory(customer=customer, email="stays@c.example")
    leaves = factories.CustomerUserFactory(customer=customer, email="leaves@c.example")
    group = factories.NotificationGroupFactory(
        customer=customer, events=[NotificationEvent.TICKET_CREATED]
    )
    group.customer_users.add(stays, leaves)
    ticket_create(title="Printer", body="Jammed", customer_user=stays, queue=queue)
    leaves.is_active = False
    leaves.save()

    deliver_pending()

    assert _recipients() == ["stays@c.example"]
    assert OutboxMessage.objects.get(recipient="leaves@c.example").status == "skipped"


def test_reminder_goes_to_the_team_when_the_owner_lost_access(queue):
    member = factories.AgentFactory(email="member@example.com")
    factories.TeamFactory(members=[member], queues=[queue])
    owner = factories.AgentFactory(email="owner@example.com")  # in no team of the queue
    ticket = factories.TicketFactory(queue=queue, owner=owner, state="pending")

    assert reminder_recipients(ticket) == ["member@example.com"]


def test_contract_notice_skips_deactivated_people():
    contact = factories.CustomerUserFactory(email="contact@c.example", is_active=False)
    support = factories.AgentFactory(email="support@example.com")
    contract = factories.ContractFactory(
        customer=contact.customer, customer_contact=contact, support_contact=support
    )
    notice = factories.ContractNotificationFactory(contract=contract)

    assert contract_notice_recipients(notice) == ["support@example.com"]
