"""My Queues (`tickets:preferences`): only queues the agent may see."""

import pytest
from django.urls import reverse

from tests import factories
from tickets.models import AgentPreferences, Ticket

pytestmark = pytest.mark.django_db


def test_my_queues_offers_only_the_agents_queues(agent_client, queue):
    foreign = factories.QueueFactory(name="Secret queue")

    body = agent_client.get(reverse("tickets:preferences")).content.decode()

    assert f'value="{queue.pk}"' in body
    assert foreign.name not in body


def test_my_queues_saves_the_choice_and_drives_the_rule(agent_client, agent, queue):
    second = factories.QueueFactory()
    factories.TeamFactory(members=[agent], queues=[second])
    ticket = factories.TicketFactory(queue=queue)
    factories.TicketFactory(queue=second)

    response = agent_client.post(reverse("tickets:preferences"), {"my_queues": [queue.pk]})

    assert response.status_code == 302
    assert list(AgentPreferences.objects.get(user=agent).my_queues.all()) == [queue]
    assert [t.number for t in Ticket.objects.in_my_queues(agent)] == [ticket.number]


def test_my_queues_refuses_a_queue_of_another_team(agent_client, agent, queue):
    factories.AgentPreferencesFactory(user=agent, my_queues=[queue])
    foreign = factories.QueueFactory()

    response = agent_client.post(reverse("tickets:preferences"), {"my_queues": [foreign.pk]})

    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    assert list(AgentPreferences.objects.get(user=agent).my_queues.all()) == [queue]


def test_my_queues_empty_choice_clears(agent_client, agent, queue):
    factories.AgentPreferencesFactory(user=agent, my_queues=[queue])

    agent_client.post(reverse("tickets:preferences"), {})

    assert list(AgentPreferences.objects.get(user=agent).my_queues.all()) == []


def test_my_queues_anonymous_goes_to_login(client):
    response = client.get(reverse("tickets:preferences"))

    assert response["Location"].startswith(reverse("login"))
