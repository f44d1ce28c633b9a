"""Saved work never answers 500: the database goes away right after a write commits.

A real fault, not a mock: a database execute wrapper lets every query through until a
transaction has run, then fails each query outside a transaction with the driver's
OperationalError, as a dropped connection does. The write is committed; the page that would
show it cannot be read. The answer must still be the success (a redirect to the saved thing,
`HX-Redirect` for htmx), and a retry with the form's key must not do the work again.
"""

import uuid

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from customers.models import CustomerUser, Location
from tests import factories
from tests.customers.helpers import customer_admin
from tickets.models import Article, TicketEvent, TimeEntry

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HX = {"HX-Request": "true"}


class DatabaseGoneAfterCommit:
    """Fails every query outside a transaction once a transaction has run."""

    def __init__(self):
        self.wrote = False
        self.failed = 0

    def __call__(self, execute, sql, params, many, context):
        if context["connection"].in_atomic_block:
            self.wrote = True
        elif self.wrote:
            self.failed += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def post_with_fault(client, url, data, headers=HX):
    fault = DatabaseGoneAfterCommit()
    with connection.execute_wrapper(fault):
        response = client.post(url, data, headers=headers)
    return response, fault


@pytest.fixture
def ticket(queue):
    return factories.TicketFactory(queue=queue, state="open")


@pytest.mark.parametrize(
    ("action", "data", "saved"),
    [
        ("tickets:note", {"body": "Checked the cables."}, lambda t: Article.objects.count()),
        ("tickets:add-time", {"minutes": "20"}, lambda t: TimeEntry.objects.count()),
        (
            "tickets:set-state",
            {"state": "in_progress"},
            lambda t: TicketEvent.objects.filter(action="state").count(),
        ),
        (
            "tickets:lock",
            {"locked": "1"},
            lambda t: TicketEvent.objects.filter(action="lock").count(),
        ),
    ],
)
def test_a_zoom_action_answers_success_when_the_page_cannot_be_read_after_commit(
    agent_client, ticket, action, data, saved
):
    url = reverse(action, args=[ticket.number])

    response, fault = post_with_fault(agent_client, url, data)

    assert fault.failed > 0  # the zoom's queries did fail
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("tickets:detail", args=[ticket.number])
    assert saved(ticket) == 1


def test_a_retry_after_the_fault_with_the_same_key_saves_nothing_more(agent_client, ticket):
    url = reverse("tickets:note", args=[ticket.number])
    data = {"body": "Checked the cables.", "key": str(uuid.uuid4())}

    faulty, fault = post_with_fault(agent_client, url, data)
    retry = agent_client.post(url, data, headers=HX)

    assert (fault.failed > 0, faulty.status_code, retry.status_code) == (True, 200, 200)
    assert retry["HX-Trigger"] == '{"showMessage": "Note added."}'
    assert Article.objects.count() == 1


def test_a_plain_post_is_redirected_without_reading_the_page(agent_client, ticket):
    url = reverse("tickets:note", args=[ticket.number])

    response, _ = post_with_fault(agent_client, url, {"body": "x"}, headers={})

    assert (response.status_code, response["Location"]) == (
        302,
        reverse("tickets:detail", args=[ticket.number]),
    )
    assert Article.objects.count() == 1


def test_adding_a_contact_answers_success_when_the_tab_cannot_be_read(client):
    client.force_login(customer_admin())
    customer = factories.CustomerFactory()
    url = reverse("customers:contact-add", args=[customer.customer_id])
    data = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}

    response, fault = post_with_fault(client, url, data)

    assert fault.failed > 0
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("customers:contacts", args=[customer.customer_id])
    assert CustomerUser.objects.filter(email="grace@example.com").count() == 1


def test_creating_a_location_answers_success_when_the_tab_cannot_be_read(client):
    client.force_login(customer_admin())
    customer = factories.CustomerFactory()
    url = reverse("customers:location-create", args=[customer.customer_id])

    response, fault = post_with_fault(client, url, {"name": "Head office", "address": ""})

    assert fault.failed > 0
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("customers:locations", args=[customer.customer_id])
    assert Location.objects.get().name == "Head office"


def test_adding_a_customer_user_in_the_cic_answers_success_when_the_modal_cannot_be_read(client):
    client.force_login(customer_admin())
    customer = factories.CustomerFactory(customer_id="ACME")
    data = {
        "login": "grace",
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@example.com",
        "customer": customer.pk,
        "customers": [customer.pk],
        "is_active": "on",
    }

    response, fault = post_with_fault(
        client, reverse("dashboards:customer-user-add", args=["ACME"]), data
    )

    assert fault.failed > 0
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("dashboards:cic-customer", args=["ACME"])
    assert CustomerUser.objects.get(login="grace").customer == customer
