"""Every dashboard page and widget runs the same number of queries for small and large data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

from .helpers import HX, markers, widget_url

pytestmark = pytest.mark.django_db

# Queries every request makes: session and user.
AUTH = 2


def cic_data(agent, queue, size):
    """A customer with `size` customer users, each with a ticket in every widget, plus contracts."""
    acme = factories.CustomerFactory(customer_id="ACME")
    now = timezone.now()
    for n in range(size):
        user = factories.CustomerUserFactory(customer=acme)
        common = {"queue": queue, "customer_user": user}
        factories.TicketFactory(state="new", **common)
        factories.TicketFactory(state="open", escalation_due=now - timedelta(minutes=n), **common)
        factories.TicketFactory(
            state="pending", pending_until=now, is_locked=True, owner=agent, **common
        )
        factories.TicketFactory(state="closed_with_backout", **common)
    for _ in range(min(size, 5)):
        factories.ContractFactory(customer=acme, support_contact=agent)
    return acme


def cuic_data(agent, queue, size):
    """A customer user in `size` customers, with tickets of its own and of colleagues."""
    acme = factories.CustomerFactory(customer_id="ACME")
    extra = [factories.CustomerFactory() for _ in range(size - 1)]
    jane = factories.CustomerUserFactory(login="jane", customer=acme, customers=extra)
    now = timezone.now()
    for n, customer in enumerate([acme, *extra]):
        colleague = factories.CustomerUserFactory(customer=customer)
        for user in (jane, colleague):
            common = {"queue": queue, "customer_user": user, "customer": customer}
            factories.TicketFactory(state="new", **common)
            factories.TicketFactory(
                state="open", escalation_due=now - timedelta(minutes=n), **common
            )
            factories.TicketFactory(
                state="pending", pending_until=now, is_locked=True, owner=agent, **common
            )
    return jane


CIC_WIDGETS = [
    # (widget, queries after auth): preferences + customer + the widget's own queries; a widget
    # that reads tickets first loads the ids of the queues the agent's teams grant, and a
    # widget with edit buttons checks "Create/Edit Customers" (one query)
    ("customer-users", 6),  # + queues + permission + page count + rows with annotated counts
    # + queues + tab counts + rows; the reminder rule first reads its states' ids
    ("reminder-tickets", 6),
    ("escalated-tickets", 5),
    ("new-tickets", 5),
    ("open-tickets", 5),
    ("company-status", 5),  # + queues + capped counts per state + the escalated count
    ("customer-information", 4),  # contracts with hours used + their hours by day
    ("settings", 2),
]
CUIC_WIDGETS = [
    ("customer-ids", 6),
    # + the customer user's customers, which the tab counts and the accessible rows name
    ("reminder-tickets", 7),
    ("escalated-tickets", 6),
    ("new-tickets", 6),
    ("open-tickets", 6),
    ("customer-user-information", 4),
    ("customer-information", 3),
    ("settings", 2),
]


@pytest.mark.parametrize("size", [3, 40])
@pytest.mark.parametrize(("widget", "queries"), CIC_WIDGETS)
def test_cic_widget_queries_do_not_grow(
    agent, agent_client, queue, django_assert_num_queries, size, widget, queries
):
    cic_data(agent, queue, size)
    url = widget_url("cic", "ACME", widget)

    with django_assert_num_queries(AUTH + queries):
        response = agent_client.get(url, {"page_size": 50}, headers=HX)

    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 30])
@pytest.mark.parametrize(("widget", "queries"), CUIC_WIDGETS)
def test_cuic_widget_queries_do_not_grow(
    agent, agent_client, queue, django_assert_num_queries, size, widget, queries
):
    cuic_data(agent, queue, size)
    url = widget_url("cuic", "jane", widget)

    params = {"page_size": 50}
    if widget.endswith("-tickets"):
        params["scope"] = "accessible"

    with django_assert_num_queries(AUTH + queries):
        response = agent_client.get(url, params, headers=HX)

    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 40])
def test_search_queries_do_not_grow(agent_client, django_assert_num_queries, size):
    for _ in range(size):
        factories.CustomerUserFactory()

    with django_assert_num_queries(AUTH + 2):  # total + the first 20
        response = agent_client.get(
            reverse("dashboards:search"), {"q": "**", "kind": "customer_user"}, headers=HX
        )

    assert len(markers(response.content.decode(), "result")) == min(size, 20)


@pytest.mark.parametrize("size", [3, 40])
def test_widget_rows_really_grow_with_the_data(agent, agent_client, queue, size):
    """Guards the query-count tests above: the large data set really shows more rows."""
    cic_data(agent, queue, size)

    html = agent_client.get(
        widget_url("cic", "ACME", "new-tickets"), {"page_size": 50}, headers=HX
    ).content.decode()

    assert len(markers(html, "ticket")) == size
