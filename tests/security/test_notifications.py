"""Notifications re-check permissions at send time: whoever lost access since the event was
queued gets nothing."""

import pytest
from django.core import mail

from contracts.tasks import contract_notice_recipients
from customers.models import NotificationEvent
from portal.tasks import notify_agents
from tests import factories
from tickets.tasks.mail import send_article_email
from tickets.tasks.notifications import notify_notification_groups
from tickets.tasks.periodic import reminder_recipients

pytestmark = pytest.mark.django_db


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_portal_update_notice_skips_an_owner_removed_from_the_team(queue):
    stayed = factories.AgentFactory(email="stayed@example.com")
    owner = factories.AgentFactory(email="owner@example.com")
    team = factories.TeamFactory(members=[stayed, owner], queues=[queue])
    ticket = factories.TicketFactory(queue=queue, owner=owner, state="open")
    article = factories.ArticleFactory(ticket=ticket, sender_type="customer", is_public=True)
    team.members.remove(owner)  # after the update was queued, before the task runs

    notify_agents.run(article.pk, "update")

    assert _recipients() == ["stayed@example.com"]


def test_portal_update_notice_reaches_an_owner_still_in_the_team(queue):
    owner = factories.AgentFactory(email="owner@example.com")
    factories.TeamFactory(members=[owner], queues=[queue])
    ticket = factories.TicketFactory(queue=queue, owner=owner, state="open")
    article = factories.ArticleFactory(ticket=ticket, sender_type="customer", is_public=True)

    notify_agents.run(article.pk, "update")

    assert _recipients() == ["owner@example.com"]


def test_reply_email_is_not_sent_to_a_deactivated_customer_user(queue):
    customer_user = factories.CustomerUserFactory(email="gone@customer.example")
    ticket = factories.TicketFactory(queue=queue, customer_user=customer_user, state="open")
    article = factories.ArticleFactory(
        ticket=ticket, is_public=True, channel="email", message_id="<1@helpdesk>"
    )
    customer_user.is_active = False
    customer_user.save()

    sent = send_article_email.run(article.pk)

    assert (sent, mail.outbox) == (False, [])


def test_reply_email_reaches_an_active_customer_user(queue):
    customer_user = factories.CustomerUserFactory(email="here@customer.example")
    ticket = factories.TicketFactory(queue=queue, customer_user=customer_user, state="open")
    article = factories.ArticleFactory(
        ticket=ticket, is_public=True, channel="email", message_id="<2@helpdesk>"
    )

    assert send_article_email.run(article.pk) is True
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
    ticket = factories.TicketFactory(queue=queue, customer_user=active)

    notify_notification_groups.run(ticket.pk, NotificationEvent.TICKET_CREATED, "ticket:x")

    assert _recipients() == ["active@c.example", "in-team@example.com"]


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
