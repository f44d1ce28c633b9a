"""Customers read state names meant for them (portal/states.py), not the agents' workflow
states: the lists and the request page show `{{ ticket.state|customer_state }}`."""

import re

import pytest
from django.urls import reverse

from portal.states import BY_NAME, BY_TYPE, customer_state_label
from tests import factories
from tickets.models import TicketState
from tickets.states import StateType

pytestmark = pytest.mark.django_db


def badge(response, number: str) -> str:
    """The state badge's text in the list row of ticket `number`."""
    content = response.content.decode()
    row = re.search(rf'<tr data-ticket="{number}">.*?</tr>', content, re.S)
    assert row, f"no row {number}"
    match = re.search(r'class="badge state-badge[^"]*">([^<]*)</span>', row.group(0))
    assert match, "no state badge"
    return match.group(1)


def detail_badge(response) -> str:
    match = re.search(r'data-state="[^"]+">([^<]*)</span>', response.content.decode())
    assert match, "no state badge"
    return match.group(1)


@pytest.mark.parametrize(
    ("state", "customer_name", "internal_label"),
    [
        ("pending_auto_close", "Resolved – closes soon", "Pending auto close"),
        ("awaiting_approval", "In progress", "Awaiting approval"),
    ],
)
def test_home_list_shows_the_customer_name_of_the_state(
    portal_client, portal_user, state, customer_name, internal_label
):
    ticket = factories.TicketFactory(customer_user=portal_user, state=state)

    response = portal_client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert badge(response, ticket.number) == customer_name
    assert internal_label not in response.content.decode()


@pytest.mark.parametrize(
    ("state", "customer_name", "internal_label"),
    [
        ("pending_auto_close", "Resolved – closes soon", "Pending auto close"),
        ("awaiting_approval", "In progress", "Awaiting approval"),
        ("new", "Received", "New"),
    ],
)
def test_request_page_shows_the_customer_name_of_the_state(
    portal_client, portal_user, state, customer_name, internal_label
):
    ticket = factories.TicketFactory(customer_user=portal_user, state=state)

    response = portal_client.get(reverse("portal:detail", args=[ticket.number]))

    assert response.status_code == 200
    assert detail_badge(response) == customer_name
    assert f'data-state="{state}"' in response.content.decode()  # the machine value stays
    assert f">{internal_label}<" not in response.content.decode()


def test_closed_search_shows_the_customer_name_of_the_state(portal_client, portal_user):
    ticket = factories.TicketFactory(customer_user=portal_user, state="closed_with_backout")

    response = portal_client.get(reverse("portal:closed"))

    assert badge(response, ticket.number) == "Closed"
    assert "Closed with backout" not in response.content.decode()


def test_a_custom_state_falls_back_to_the_name_of_its_type(portal_client, portal_user):
    waiting = TicketState.objects.create(
        name="waiting_for_vendor", label="Waiting for vendor (internal)", state_type="open"
    )
    ticket = factories.TicketFactory(customer_user=portal_user, state=waiting)

    response = portal_client.get(reverse("portal:detail", args=[ticket.number]))

    assert detail_badge(response) == "In progress"
    assert "Waiting for vendor" not in response.content.decode()


def test_every_state_of_the_default_catalogue_and_every_type_has_a_customer_name():
    names = set(TicketState.objects.values_list("name", flat=True))
    assert names <= set(BY_NAME)
    assert set(StateType) <= set(BY_TYPE)
    assert customer_state_label(None) == ""
