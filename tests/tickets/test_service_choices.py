"""Service choices show "Parent › Child": the page must not query once per sub-service."""

import re

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


def _jumbled_services():
    workplace = factories.ServiceFactory(name="Workplace")
    network = factories.ServiceFactory(name="Network")
    factories.ServiceFactory(name="Printer", parent=workplace)
    factories.ServiceFactory(name="Access point", parent=network)
    factories.ServiceFactory(name="Laptop", parent=workplace)


EXPECTED = [
    "Network",
    "Network › Access point",
    "Workplace",
    "Workplace › Laptop",
    "Workplace › Printer",
]


def _options(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S).group(0)
    return [label for value, label in re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)<', select)]


@pytest.mark.django_db
def test_new_ticket_and_search_list_services_as_a_tree(agent_client):
    _jumbled_services()

    new = agent_client.get(reverse("tickets:new-phone")).content.decode()
    search = agent_client.get(reverse("tickets:list")).content.decode()

    assert (_options(new, "service"), _options(search, "service")) == (EXPECTED, EXPECTED)


@pytest.mark.django_db
def test_contract_form_lists_services_as_a_tree(client, admin_user):
    _jumbled_services()
    customer = factories.CustomerFactory()
    client.force_login(admin_user)

    body = client.get(
        reverse("customers:contract-create", args=[customer.customer_id])
    ).content.decode()
    labels = re.findall(r'name="services"[^>]*>\s*<label[^>]*>([^<]*)</label>', body)

    assert [label.strip() for label in labels] == EXPECTED
