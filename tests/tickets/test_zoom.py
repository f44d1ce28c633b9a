"""Ticket zoom (`tickets:detail`): header, articles, attachments, history, access, query counts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.tickets.helpers import rows, search
from tickets.models import Ticket, TicketEvent, TimeEntry

pytestmark = pytest.mark.django_db

ACTIONS = {
    "reply": {"body": "Hello"},
    "note": {"body": "Internal"},
    "set-state": {"state": "open"},
    "add-time": {"minutes": "15"},
    "lock": {"locked": "1"},
    "update": {"priority": "1"},
}


def detail(client, ticket, **kwargs):
    return client.get(reverse("tickets:detail", args=[ticket.number]), **kwargs)


def test_zoom_shows_header_fields(agent_client, agent, queue):
    service, sla = factories.ServiceFactory(name="E-Mail"), factories.SLAFactory(name="Gold")
    ticket = factories.TicketFactory(
        queue=queue,
        title="Mailbox full",
        state="in_progress",
        priority=2,
        service=service,
        sla=sla,
        owner=agent,
        is_locked=True,
    )

    body = detail(agent_client, ticket).content.decode()

    assert "Mailbox full" in body
    assert ticket.number in body
    for text in ("In progress", "E-Mail", "Gold", queue.name, ticket.customer.name):
        assert text in body, text
    assert f"Locked by {agent.get_full_name()}" in body


def test_zoom_articles_oldest_first_marked_public_or_internal(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue)
    first = factories.ArticleFactory(ticket=ticket, is_public=True, body="first")
    second = factories.ArticleFactory(ticket=ticket, is_public=False, body="second")

    body = detail(agent_client, ticket).content.decode()

    found = re.findall(r'data-article="(\d+)" data-visibility="(\w+)"', body)
    assert found == [(str(first.pk), "public"), (str(second.pk), "internal")]


def test_zoom_shows_history_events(agent_client, agent, queue):
    ticket = factories.TicketFactory(queue=queue)
    factories.TicketEventFactory(
        ticket=ticket, actor=agent, action="state", from_value="new", to_value="open"
    )

    body = detail(agent_client, ticket).content.decode()

    assert 'data-event="state"' in body
    assert "new → open" in body


@pytest.mark.parametrize(
    ("offset", "css"),
    [
        (timedelta(seconds=-1), "due-overdue"),
        (timedelta(minutes=59), "due-warning"),
        (timedelta(minutes=61), ""),
    ],
)
def test_zoom_escalation_time_colour(agent_client, queue, offset, css):
    due = timezone.now() + offset
    ticket = factories.TicketFactory(queue=queue, solution_due=due, escalation_due=due)

    body = detail(agent_client, ticket).content.decode()

    assert f'<dd class="col-7 {css}" data-due="solution">' in body


def test_zoom_shows_contract_hours_used_of_limit(agent_client, agent, queue):
    contract = factories.ContractFactory(has_hour_restriction=True, contract_hours=Decimal("10"))
    ticket = factories.TicketFactory(queue=queue, contract=contract, customer=contract.customer)
    factories.TimeEntryFactory(ticket=ticket, agent=agent, minutes=90)

    body = detail(agent_client, ticket).content.decode()

    assert "1.50 of 10.00 hours used" in body
    assert '<dd class="col-7" data-field="time">90 min</dd>' in body


def test_zoom_htmx_returns_the_zoom_fragment(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue)

    body = detail(agent_client, ticket, headers={"HX-Request": "true"}).content.decode()

    assert body.lstrip().startswith(f'<div id="ticket-zoom" data-ticket="{ticket.number}">')


def test_attachment_download_is_never_inline(agent_client, queue):
    article = factories.ArticleFactory(ticket=factories.TicketFactory(queue=queue))
    attachment = factories.AttachmentFactory(
        article=article, filename="evil.html", content_type="text/html"
    )

    response = agent_client.get(reverse("tickets:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="evil.html"'
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"hello"


def test_agent_outside_the_team_gets_404_on_ticket_and_attachment(client, queue):
    outsider = factories.AgentFactory()
    factories.TeamFactory(members=[outsider], queues=[factories.QueueFactory()])
    client.force_login(outsider)
    ticket = factories.TicketFactory(queue=queue)
    attachment = factories.AttachmentFactory(article=factories.ArticleFactory(ticket=ticket))

    assert detail(client, ticket).status_code == 404
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404
    assert rows(search(client)) == []
    assert rows(search(client, q=ticket.number)) == []


@pytest.mark.parametrize("action", list(ACTIONS))
def test_agent_outside_the_team_gets_404_on_every_action(client, queue, action):
    outsider = factories.AgentFactory()
    client.force_login(outsider)
    ticket = factories.TicketFactory(queue=queue, state="new")
    before = Ticket.objects.values().get(pk=ticket.pk)

    response = client.post(reverse(f"tickets:{action}", args=[ticket.number]), ACTIONS[action])

    assert response.status_code == 404
    assert Ticket.objects.values().get(pk=ticket.pk) == before
    assert ticket.articles.count() == 0
    assert TicketEvent.objects.filter(ticket=ticket).count() == 0
    assert TimeEntry.objects.filter(ticket=ticket).count() == 0


@pytest.mark.parametrize("action", list(ACTIONS))
def test_actions_refuse_get(agent_client, queue, action):
    ticket = factories.TicketFactory(queue=queue)

    response = agent_client.get(reverse(f"tickets:{action}", args=[ticket.number]))

    assert response.status_code == 405


def test_anonymous_visitor_is_sent_to_login_from_zoom_and_attachment(client, queue):
    ticket = factories.TicketFactory(queue=queue)
    attachment = factories.AttachmentFactory(article=factories.ArticleFactory(ticket=ticket))

    for url in (
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:attachment", args=[attachment.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_portal_user_never_reaches_the_agent_attachment(portal_client, portal_user, queue):
    ticket = factories.TicketFactory(queue=queue, customer_user=portal_user)
    attachment = factories.AttachmentFactory(article=factories.ArticleFactory(ticket=ticket))

    response = portal_client.get(reverse("tickets:attachment", args=[attachment.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


@pytest.mark.parametrize("size", [2, 30])
def test_zoom_query_count_does_not_grow(
    agent_client, agent, queue, size, django_assert_num_queries
):
    contract = factories.ContractFactory(has_hour_restriction=True, contract_hours=Decimal("10"))
    ticket = factories.TicketFactory(queue=queue, contract=contract, customer=contract.customer)
    for i in range(size):
        article = factories.ArticleFactory(ticket=ticket, author=agent, is_public=bool(i % 2))
        factories.AttachmentFactory(article=article)
        factories.TicketEventFactory(ticket=ticket, actor=agent)
        factories.TimeEntryFactory(ticket=ticket, agent=agent, minutes=1)

    # session, user, ticket, contract hours, time total, articles, attachments, events,
    # choices: state, owner, responsible, queue, priority, service, SLA, contract, type
    with django_assert_num_queries(17):
        response = detail(agent_client, ticket)

    assert response.content.decode().count("data-article=") == size
