"""Ticket search (`tickets:list`): every filter of DESIGN §6, bad input, access and query counts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.tickets.helpers import rows, search

pytestmark = pytest.mark.django_db


def test_search_lists_only_tickets_of_the_agents_queues(agent_client, queue):
    mine = factories.TicketFactory(queue=queue)
    factories.TicketFactory()  # a queue of another team

    response = search(agent_client)

    assert response.status_code == 200
    assert rows(response) == [mine.number]
    assert 'data-total="1"' in response.content.decode()


def test_search_by_customer_user_login_and_open_category(agent_client, queue):
    user = factories.CustomerUserFactory()
    open_ = factories.TicketFactory(queue=queue, customer_user=user, state="open")
    factories.TicketFactory(queue=queue, customer_user=user, state="closed")
    factories.TicketFactory(queue=queue, state="open")

    response = search(agent_client, customer_user=user.login, category="open")

    assert rows(response) == [open_.number]


def test_search_by_customer_id_and_closed_category(agent_client, queue):
    user = factories.CustomerUserFactory()
    closed = factories.TicketFactory(queue=queue, customer_user=user, state="resolved")
    factories.TicketFactory(queue=queue, customer_user=user, state="new")
    factories.TicketFactory(queue=queue, state="resolved")

    response = search(agent_client, customer=user.customer.customer_id, category="closed")

    assert rows(response) == [closed.number]


def test_search_by_state_name_queue_and_owner(agent_client, agent, queue):
    other_queue = factories.QueueFactory()
    factories.TeamFactory(members=[agent], queues=[other_queue])
    hit = factories.TicketFactory(queue=queue, state="in_progress", owner=agent)
    factories.TicketFactory(queue=queue, state="in_progress")
    factories.TicketFactory(queue=other_queue, state="in_progress", owner=agent)
    factories.TicketFactory(queue=queue, state="open", owner=agent)

    response = search(agent_client, state="in_progress", queue=queue.pk, owner=agent.pk)

    assert rows(response) == [hit.number]


def test_search_by_locked_and_escalated(agent_client, agent, queue):
    now = timezone.now()
    hit = factories.TicketFactory(
        queue=queue, is_locked=True, owner=agent, escalation_due=now - timedelta(seconds=1)
    )
    factories.TicketFactory(queue=queue, is_locked=True, escalation_due=now + timedelta(minutes=1))
    factories.TicketFactory(queue=queue, is_locked=False, escalation_due=now - timedelta(hours=1))

    assert rows(search(agent_client, locked="1", escalated="true")) == [hit.number]
    assert len(rows(search(agent_client, escalated="no"))) == 1


def test_search_by_text_matches_number_and_title(agent_client, queue):
    printer = factories.TicketFactory(queue=queue, title="Printer on floor 3 is jammed")
    factories.TicketFactory(queue=queue, title="VPN down")

    assert rows(search(agent_client, q="printer JAMMED")) == [printer.number]
    assert rows(search(agent_client, q=printer.number)) == [printer.number]
    assert rows(search(agent_client, q="print*jam")) == [printer.number]
    assert len(rows(search(agent_client, q="**"))) == 2


def test_search_by_service(agent_client, queue):
    service = factories.ServiceFactory()
    hit = factories.TicketFactory(queue=queue, service=service)
    factories.TicketFactory(queue=queue)

    assert rows(search(agent_client, service=service.pk)) == [hit.number]


def test_search_by_created_and_closed_date_ranges(agent_client, queue):
    now = timezone.now()
    old = factories.TicketFactory(queue=queue, created_at=now - timedelta(days=10))
    recent = factories.TicketFactory(queue=queue, state="closed", closed_at=now - timedelta(days=1))
    day = (now - timedelta(days=3)).date().isoformat()

    assert rows(search(agent_client, created_before=day)) == [old.number]
    assert rows(search(agent_client, created_after=day)) == [recent.number]
    assert rows(search(agent_client, closed_after=day, closed_before=now.date().isoformat())) == [
        recent.number
    ]


def test_search_sorts_by_number_both_ways(agent_client, queue):
    a = factories.TicketFactory(queue=queue, number="2026010100000001")
    b = factories.TicketFactory(queue=queue, number="2026010100000002")

    assert rows(search(agent_client, o="number")) == [a.number, b.number]
    assert rows(search(agent_client, o="-number")) == [b.number, a.number]


def test_search_paginates_25_per_page(agent_client, queue):
    for _ in range(27):
        factories.TicketFactory(queue=queue)

    assert len(rows(search(agent_client))) == 25
    assert len(rows(search(agent_client, page=2))) == 2
    assert len(rows(search(agent_client, page="nonsense"))) == 25


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"customer": "NOPE"}, "Select a valid choice."),
        ({"customer_user": "nobody"}, "Select a valid choice."),
        ({"state": "sleeping"}, "Select a valid choice."),
        ({"category": "half"}, "Select a valid choice."),
        ({"locked": "maybe"}, "Select a valid choice."),
        ({"queue": "x"}, "Select a valid choice."),
        ({"created_after": "yesterday"}, "Enter a valid date."),
        ({"o": "password"}, "Select a valid choice."),
    ],
)
def test_search_bad_value_is_a_form_error_with_no_rows(agent_client, queue, params, message):
    factories.TicketFactory(queue=queue)

    response = search(agent_client, **params)

    assert response.status_code == 200
    assert rows(response) == []
    assert 'data-errors="filter"' in response.content.decode()
    assert message in response.content.decode()


def test_search_queue_of_another_team_is_not_a_choice(agent_client, queue):
    foreign = factories.QueueFactory()
    factories.TicketFactory(queue=foreign)

    response = search(agent_client, queue=foreign.pk)

    assert rows(response) == []
    assert 'data-errors="filter"' in response.content.decode()


def test_search_htmx_returns_the_results_fragment(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue)

    response = agent_client.get(reverse("tickets:list"), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div class="card" id="results">')
    assert "<html" not in body
    assert rows(response) == [ticket.number]
    assert response["Vary"] == "HX-Request, Accept-Language, Cookie"


def test_search_anonymous_goes_to_login(client):
    response = client.get(reverse("tickets:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_search_portal_user_is_sent_to_the_portal(portal_client):
    response = portal_client.get(reverse("tickets:list"))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


@pytest.mark.parametrize("size", [2, 30])
def test_search_query_count_does_not_grow(agent_client, queue, size, django_assert_num_queries):
    customer_user = factories.CustomerUserFactory()
    owner = factories.AgentFactory()
    for _ in range(size):
        factories.TicketFactory(
            queue=queue,
            customer_user=customer_user,
            owner=owner,
            service=factories.ServiceFactory(),
        )

    # session, user, customer_user lookup, the agent's queues, choices (state, queue, owner,
    # service), count, rows
    with django_assert_num_queries(10):
        response = search(
            agent_client, customer_user=customer_user.login, category="open", o="-created"
        )

    assert len(rows(response)) == min(size, 25)


def test_search_counts_at_most_the_cap_and_says_so(agent_client, queue, settings):
    settings.LIST_COUNT_CAP = 3
    factories.TicketFactory.create_batch(5, queue=queue)

    response = search(agent_client)
    html = response.content.decode()

    assert 'data-total="3+"' in html
    assert "More than 3 tickets" in html
    # Pages end where counting stopped (the cap and the one row that proved "more").
    assert len(rows(response)) == 4


def test_search_below_the_cap_shows_the_exact_total(agent_client, queue, settings):
    settings.LIST_COUNT_CAP = 3
    factories.TicketFactory.create_batch(3, queue=queue)

    html = search(agent_client).content.decode()

    assert 'data-total="3"' in html
    assert "3 tickets" in html
    assert "More than" not in html


def test_search_error_summary_names_fields_by_their_labels(agent_client):
    response = search(agent_client, created_after="yesterday", closed_before="soon")

    summary = re.search(r'data-errors="filter".*?</ul>', response.content.decode(), re.S).group(0)
    assert re.findall(r"<li>([^<]*)</li>", summary) == [
        "Created from: Enter a valid date.",
        "Closed to: Enter a valid date.",
    ]
