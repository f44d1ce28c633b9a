"""Ticket search as CSV (`tickets:export`): the search's filters and visibility, streamed."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from tests import factories
from tickets.models import AgentPreferences

pytestmark = pytest.mark.django_db


def export(client, **params):
    return client.get(reverse("tickets:export"), params)


def table(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def numbers(response) -> list[str]:
    return [row[0] for row in table(response)[1:]]


def test_export_is_a_csv_attachment_of_the_agents_tickets(agent_client, queue):
    mine = factories.TicketFactory(queue=queue)
    factories.TicketFactory()  # a queue of another team

    response = export(agent_client)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')
    assert numbers(response) == [mine.number]


def test_export_honours_the_search_filters_and_order(agent_client, queue):
    user = factories.CustomerUserFactory()
    first = factories.TicketFactory(queue=queue, customer_user=user, state="open", title="A")
    second = factories.TicketFactory(queue=queue, customer_user=user, state="open", title="B")
    factories.TicketFactory(queue=queue, customer_user=user, state="closed")
    factories.TicketFactory(queue=queue, state="open")

    response = export(agent_client, customer_user=user.login, category="open", o="title")

    assert numbers(response) == [first.number, second.number]
    assert numbers(export(agent_client, q=second.number)) == [second.number]


def test_export_never_holds_another_teams_tickets_even_when_asked(agent_client, queue):
    other_queue = factories.QueueFactory()
    hidden = factories.TicketFactory(queue=other_queue)

    assert numbers(export(agent_client)) == []
    # A queue the agent may not pick is a form error: back to the search, which says so.
    response = export(agent_client, queue=other_queue.pk)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('tickets:list')}?queue={other_queue.pk}"
    assert numbers(export(agent_client, q=hidden.number)) == []


def test_export_with_a_bad_filter_goes_back_to_the_search(agent_client, queue):
    factories.TicketFactory(queue=queue)

    response = export(agent_client, created_after="yesterday")

    assert response.status_code == 302
    follow = agent_client.get(response["Location"])
    assert 'data-errors="filter"' in follow.content.decode()


def test_export_refuses_anonymous_and_portal_users(client, portal_client, queue):
    factories.TicketFactory(queue=queue)

    response = Client().get(reverse("tickets:export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    response = portal_client.get(reverse("tickets:export"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_export_refuses_post(agent_client):
    assert agent_client.post(reverse("tickets:export")).status_code == 405


def test_export_neutralises_formula_cells(agent_client, queue):
    factories.TicketFactory(queue=queue, title='=HYPERLINK("http://evil.example","x")')
    factories.TicketFactory(queue=queue, title="-2+3")

    titles = sorted(row[1] for row in table(export(agent_client))[1:])

    assert titles == ["'-2+3", '\'=HYPERLINK("http://evil.example","x")']


def test_export_headers_and_values_in_the_viewers_language_and_zone(agent, queue):
    AgentPreferences.objects.create(user=agent, language="ja", time_zone="Asia/Tokyo")
    client = Client()
    client.force_login(agent)
    ticket = factories.TicketFactory(
        queue=queue, state="open", created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    )

    rows = table(export(client))

    assert rows[0][0] == "番号"
    assert rows[1][0] == ticket.number
    assert rows[1][4] == "オープン"
    assert rows[1][9] == "2026-01-02T12:04:05+09:00"


def test_export_row_holds_every_column(agent_client, agent, queue):
    owner = factories.AgentFactory(first_name="Petra", last_name="Zimmermann")
    service = factories.ServiceFactory(name="Printing")
    ticket = factories.TicketFactory(queue=queue, owner=owner, service=service, state="open")

    header, row = table(export(agent_client))

    assert header == [
        "Number", "Title", "Customer", "Customer user", "State", "Priority", "Queue", "Owner",
        "Service", "Created", "Closed", "Escalation",
    ]  # fmt: skip
    assert row[:9] == [
        ticket.number,
        ticket.title,
        ticket.customer.customer_id,
        ticket.customer_user.login,
        "Open",
        ticket.priority.name,
        queue.name,
        "Petra Zimmermann",
        "Printing",
    ]
    assert row[10:] == ["", ""]


@pytest.mark.parametrize("size", [2, 40])
def test_export_query_count_does_not_grow(agent_client, queue, size, django_assert_num_queries):
    owner = factories.AgentFactory()
    for _ in range(size):
        factories.TicketFactory(queue=queue, owner=owner, service=factories.ServiceFactory())

    # session, user, the agent's queues, the rows (one query, read in chunks)
    with django_assert_num_queries(4):
        rows = table(export(agent_client, category="open"))

    assert len(rows) == size + 1


def test_search_links_to_the_export_with_its_filters(agent_client, queue):
    factories.TicketFactory(queue=queue)
    url = reverse("tickets:list")

    html = agent_client.get(url, {"category": "open", "page": "1"}, HTTP_HX_REQUEST="true")

    assert (
        f'href="{reverse("tickets:export")}?category=open" data-export="csv"'
        in html.content.decode()
    )
