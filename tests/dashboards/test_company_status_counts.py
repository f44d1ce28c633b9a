"""Company Status reads the stored ticket counts (tickets/counts.py, kept by database triggers
in the ticket's own transaction): every way a ticket changes shows at once, and folding the
count rows changes no number."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from tickets.models import Team, Ticket, TicketCount, TicketState

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


def test_every_database_path_counts(agent_client, queue):
    """ORM saves, bulk updates, deletes, a customer or a queue changing: the triggers see
    them all, and the numbers are always those of the tickets themselves."""
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


def test_folding_the_rows_changes_no_number(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    gone = factories.CustomerFactory(customer_id="GONE")
    states = {s.name: s for s in TicketState.objects.filter(name__in=["new", "open", "closed"])}
    tickets = [factories.TicketFactory(state="new", queue=queue, customer=acme) for _ in range(5)]
    for name in ("open", "closed", "open"):
        Ticket.objects.filter(pk__in=[t.pk for t in tickets[:3]]).update(state=states[name])
    factories.TicketFactory(state="new", queue=queue, customer=gone).delete()
    before = status(agent_client)
    rows = TicketCount.objects.count()

    call_command("compact_ticket_counts", stdout=io.StringIO())

    assert (
        status(agent_client)
        == before
        == {
            "open": 5,
            "closed": 0,
            "all": 5,
            "states": {"new": 2, "open": 3},
        }
    )
    # one row per key with tickets; the deleted customer's rows summed to nothing
    assert TicketCount.objects.count() == 2 < rows
    assert not TicketCount.objects.filter(customer_id=gone.pk).exists()
