"""Company Status counts the tickets themselves: every way a ticket changes shows at once, for
the agents whose teams grant its queue and for no one else."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tickets.models import Team, Ticket, TicketState

from .helpers import HX, markers, number_at, widget_url

pytestmark = pytest.mark.django_db


def status(client, customer_id="ACME") -> dict:
    response = client.get(widget_url("cic", customer_id, "company-status"), headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    totals = {name: number_at(html, "count", name) for name in ("open", "closed", "all")}
    return {**totals, "states": {s: number_at(html, "state", s) for s in markers(html, "state")}}


def act(client, name, ticket, data):
    response = client.post(reverse(f"tickets:{name}", args=[ticket.number]), data, headers=HX)
    assert response.status_code in (200, 204), response.content


def test_agent_actions_show_at_once(agent_client, agent, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    second = factories.QueueFactory()
    Team.objects.get(members=agent).queues.add(second)
    first = factories.TicketFactory(state="new", queue=queue, customer=acme)
    other = factories.TicketFactory(state="open", queue=queue, customer=acme)
    assert status(agent_client)["states"] == {"new": 1, "open": 1}

    act(agent_client, "set-state", first, {"state": "resolved"})
    assert status(agent_client) == {
        "open": 1,
        "closed": 1,
        "all": 2,
        "states": {"resolved": 1, "open": 1},
    }

    act(agent_client, "update", other, {"queue": second.pk})  # still visible: same numbers
    assert status(agent_client)["states"] == {"resolved": 1, "open": 1}


def test_a_ticket_created_by_an_agent_counts_at_once(agent_client, queue):
    jane = factories.CustomerUserFactory(customer=factories.CustomerFactory(customer_id="ACME"))
    factories.TicketFactory(state="open", queue=queue, customer=jane.customer)
    data = {
        "customer": "ACME",
        "customer_user": jane.login,
        "title": "Printer jams",
        "body": "Since this morning.",
        "queue": queue.pk,
        "state": "new",
        "priority": "3",
    }

    response = agent_client.post(reverse("tickets:new-phone"), data)

    assert response.status_code == 302
    assert status(agent_client) == {
        "open": 2,
        "closed": 0,
        "all": 2,
        "states": {"new": 1, "open": 1},
    }


def test_every_database_path_counts(agent_client, queue):
    """ORM saves, bulk updates, deletes, a customer or a queue changing: the numbers are
    always those of the tickets themselves."""
    acme = factories.CustomerFactory(customer_id="ACME")
    globex = factories.CustomerFactory(customer_id="GLOBEX")
    outside = factories.QueueFactory()  # no team of the agent grants it
    tickets = [factories.TicketFactory(state="new", queue=queue, customer=acme) for _ in range(4)]
    factories.TicketFactory(state="new", queue=queue, customer=None)  # no customer: not counted
    closed = TicketState.objects.get(name="closed")

    Ticket.objects.filter(pk__in=[t.pk for t in tickets[:3]]).update(state=closed)
    assert status(agent_client)["states"] == {"new": 1, "closed": 3}

    tickets[0].refresh_from_db()
    tickets[0].customer = globex
    tickets[0].save()
    Ticket.objects.filter(pk=tickets[1].pk).update(queue=outside)
    tickets[2].delete()
    assert status(agent_client)["states"] == {"new": 1}
    assert status(agent_client, "GLOBEX")["states"] == {"closed": 1}

    Ticket.objects.filter(pk=tickets[1].pk).update(queue=queue, state=tickets[3].state)
    tickets[3].title = "only the title changes"
    tickets[3].save()
    assert status(agent_client) == {"open": 2, "closed": 0, "all": 2, "states": {"new": 2}}


def test_a_queue_move_shows_for_the_agent_outside_the_team_at_once(agent_client, agent, queue):
    """The outsider's team grants one more queue of the agent's only: the outsider counts a
    ticket while it is in that queue, and nothing of the agent's other queue."""
    acme = factories.CustomerFactory(customer_id="ACME")
    shared = factories.QueueFactory()
    Team.objects.get(members=agent).queues.add(shared)
    outsider = factories.AgentFactory()
    factories.TeamFactory(members=[outsider], queues=[shared])
    client = Client()
    client.force_login(outsider)
    moved = factories.TicketFactory(state="open", queue=queue, customer=acme)
    factories.TicketFactory(state="closed", queue=queue, customer=acme)
    empty = {"open": 0, "closed": 0, "all": 0, "states": {}}
    both = {"open": 1, "closed": 1, "all": 2, "states": {"open": 1, "closed": 1}}
    assert (status(client), status(agent_client)) == (empty, both)

    act(agent_client, "update", moved, {"queue": shared.pk})
    assert status(client) == {"open": 1, "closed": 0, "all": 1, "states": {"open": 1}}
    assert status(agent_client) == both

    act(agent_client, "update", moved, {"queue": queue.pk})
    assert (status(client), status(agent_client)) == (empty, both)
    Ticket.objects.filter(pk=moved.pk).update(queue=shared)
    assert status(client)["all"] == 1
    moved.delete()
    assert status(client) == empty
    assert status(agent_client) == {"open": 0, "closed": 1, "all": 1, "states": {"closed": 1}}


def test_a_new_state_counts_at_once(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    waiting = TicketState.objects.create(name="waiting", label="Waiting", state_type="closed")
    factories.TicketFactory(state=waiting, queue=queue, customer=acme)

    assert status(agent_client) == {"open": 0, "closed": 1, "all": 1, "states": {"waiting": 1}}
    TicketState.objects.filter(pk=waiting.pk).update(state_type="open")
    assert status(agent_client) == {"open": 1, "closed": 0, "all": 1, "states": {"waiting": 1}}
