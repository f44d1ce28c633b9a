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

HX = {"HX-Request": "true"}

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


def test_long_thread_shows_the_latest_50_and_loads_the_rest_on_request(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue)
    articles = [factories.ArticleFactory(ticket=ticket, body=f"body {i}") for i in range(53)]
    events = [factories.TicketEventFactory(ticket=ticket, action="state") for _ in range(51)]
    article_ids = [str(a.pk) for a in articles]

    body = detail(agent_client, ticket).content.decode()

    assert re.findall(r'data-article="(\d+)"', body) == article_ids[3:]
    assert "Show 3 earlier articles" in body
    assert body.count('data-event="state"') == 50
    assert "Show 1 earlier event<" in body

    response = agent_client.get(
        reverse("tickets:detail", args=[ticket.number]), {"all": "1"}, headers=HX
    )
    thread = response.content.decode()
    assert thread.lstrip().startswith('<div id="thread">')
    assert re.findall(r'data-article="(\d+)"', thread) == article_ids
    assert thread.count('data-event="state"') == len(events)
    assert "earlier" not in thread
    assert "action-reply" not in thread


def test_show_all_is_404_outside_the_team(client, queue):
    ticket = factories.TicketFactory(queue=queue)
    factories.ArticleFactory(ticket=ticket, body="secret")
    client.force_login(factories.AgentFactory())

    url = reverse("tickets:detail", args=[ticket.number])
    response = client.get(url, {"all": "1"}, headers=HX)

    assert response.status_code == 404
    assert b"secret" not in response.content


def test_short_thread_has_no_show_all_button(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue)
    for _ in range(50):
        factories.ArticleFactory(ticket=ticket)

    body = detail(agent_client, ticket).content.decode()

    assert body.count("data-article=") == 50
    assert 'data-action="show-all"' not in body


def test_show_all_without_htmx_is_the_whole_zoom(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue)
    for _ in range(52):
        factories.ArticleFactory(ticket=ticket)

    response = agent_client.get(reverse("tickets:detail", args=[ticket.number]), {"all": "1"})

    body = response.content.decode()
    assert body.count("data-article=") == 52
    assert 'id="action-reply"' in body


def test_zoom_shows_history_events(agent_client, agent, queue):
    ticket = factories.TicketFactory(queue=queue)
    factories.TicketEventFactory(
        ticket=ticket, actor=agent, action="state", from_value="new", to_value="open"
    )

    body = detail(agent_client, ticket).content.decode()

    assert 'data-event="state"' in body
    assert "New → Open" in body


def test_history_shows_state_labels_full_names_and_article_kinds(agent_client, agent, queue):
    ticket = factories.TicketFactory(queue=queue)
    petra = factories.AgentFactory(username="petra.z", first_name="Petra", last_name="Zimmermann")
    for action, old, new in [
        ("state", "new", "pending"),
        ("owner", agent.username, "petra.z"),
        ("article", "", "agent public"),
        ("article", "", "customer internal"),
    ]:
        factories.TicketEventFactory(
            ticket=ticket, actor=petra, action=action, from_value=old, to_value=new
        )

    body = detail(agent_client, ticket).content.decode()
    shown = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row)).strip()
        for row in re.findall(r'data-event="[a-z]+">.*?</span>\s*<span>(.*?)</span>', body, re.S)
    ]

    assert shown == [
        "State New → Pending reminder",
        f"Owner {agent.get_full_name()} → Petra Zimmermann",
        "Article added → Agent, public",
        "Article added → Customer, internal",
    ]


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


@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "update"])
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


# Up to 50 articles and events show in full; past that, two counts name the hidden rest.
@pytest.mark.parametrize(("size", "queries"), [(2, 10), (30, 10), (60, 12), (120, 12)])
def test_zoom_query_count_does_not_grow(
    agent_client, agent, queue, size, queries, django_assert_num_queries
):
    contract = factories.ContractFactory(has_hour_restriction=True, contract_hours=Decimal("10"))
    ticket = factories.TicketFactory(queue=queue, contract=contract, customer=contract.customer)
    for i in range(size):
        article = factories.ArticleFactory(ticket=ticket, author=agent, is_public=bool(i % 2))
        factories.AttachmentFactory(article=article)
        factories.TicketEventFactory(ticket=ticket, actor=agent)
        factories.TimeEntryFactory(ticket=ticket, agent=agent, minutes=1)

    # session, user, the agent's queues, ticket, contract hours, time total, articles,
    # attachments, events, state choices (the "Owner & fields" selects load with their tab)
    with django_assert_num_queries(queries):
        response = detail(agent_client, ticket)

    assert response.content.decode().count("data-article=") == min(size, 50)


def test_owner_and_fields_tab_loads_its_form_when_opened(agent_client, agent, queue):
    factories.AgentFactory(first_name="Olga", last_name="Other")
    ticket = factories.TicketFactory(queue=queue, owner=agent)

    page = detail(agent_client, ticket).content.decode()
    url = reverse("tickets:update", args=[ticket.number])
    assert f'hx-get="{url}"' in page
    assert 'name="owner"' not in page

    response = agent_client.get(url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    form = response.content.decode()
    assert form.lstrip().startswith('<form id="action-update"')
    # Owner and responsible are pickers: the current owner only, never every agent.
    assert f'<input type="text" name="owner" value="{agent.pk}"' in form
    assert "Olga Other" not in form
    for name in ("owner", "responsible", "queue", "priority", "service", "sla", "contract", "type"):
        assert f'name="{name}"' in form


def test_owner_and_fields_form_without_htmx_goes_to_the_zoom(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue)

    response = agent_client.get(reverse("tickets:update", args=[ticket.number]))

    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.number])


def test_owner_and_fields_form_is_404_outside_the_team(client, queue):
    ticket = factories.TicketFactory(queue=queue)
    client.force_login(factories.AgentFactory())

    response = client.get(reverse("tickets:update", args=[ticket.number]), headers=HX)

    assert response.status_code == 404


@pytest.mark.parametrize("size", [1, 12])
def test_owner_and_fields_form_query_count_does_not_grow(
    agent_client, queue, size, django_assert_num_queries
):
    contract = factories.ContractFactory()
    ticket = factories.TicketFactory(queue=queue, contract=contract, customer=contract.customer)
    for _ in range(size):
        factories.AgentFactory()
        factories.ContractFactory(customer=contract.customer)

    # session, user, the agent's queues, ticket, the owner picker's label, choices: queue,
    # priority, service, SLA, contract, type (agents are pickers: never listed)
    with django_assert_num_queries(10):
        response = agent_client.get(reverse("tickets:update", args=[ticket.number]), headers=HX)

    assert response.content.decode().count("<option") > size
