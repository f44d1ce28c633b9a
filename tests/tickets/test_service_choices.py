"""Service choices show "Parent › Child": the page must not query once per sub-service."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize("children", [1, 12])
def test_ticket_search_queries_do_not_grow_with_sub_services(
    agent_client, queue, children, django_assert_num_queries
):
    parent = factories.ServiceFactory(name="Workplace")
    for _ in range(children):
        factories.ServiceFactory(parent=parent)
    factories.TicketFactory(queue=queue)

    with django_assert_num_queries(8):  # the agent's queues included; owner is a picker
        response = agent_client.get(reverse("tickets:list"))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("children", [1, 12])
def test_ticket_fields_form_queries_do_not_grow_with_sub_services(
    agent_client, queue, children, django_assert_num_queries
):
    parent = factories.ServiceFactory(name="Workplace")
    for _ in range(children):
        factories.ServiceFactory(parent=parent)
    ticket = factories.TicketFactory(queue=queue)

    # session, user, the agent's queues, ticket, the owner picker's label, then one per
    # select: queue, priority, service, SLA, contract, type (owner and responsible are pickers)
    with django_assert_num_queries(10):
        response = agent_client.get(
            reverse("tickets:update", args=[ticket.number]), headers={"HX-Request": "true"}
        )

    assert response.status_code == 200
    assert response.content.decode().count("Workplace › ") == children
