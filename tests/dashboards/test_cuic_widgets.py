"""Widgets of the Customer User Information Center, through HTTP."""

import pytest
from django.urls import reverse

from tests import factories

from .helpers import HX, active_tab, markers, row_count_in, tab_count, widget_url

pytestmark = pytest.mark.django_db

LOGIN = "jane.doe@acme (ext)"
FILTERS = ["locked", "my-queues", "all"]
SCOPES = ["assigned", "accessible"]


def get(client, widget, login=LOGIN, **params):
    response = client.get(widget_url("cuic", login, widget), params, headers=HX)
    assert response.status_code == 200, response.content
    return response.content.decode()


def arrange(agent, queue):
    """Jane belongs to ACME (primary) and SHARED; a colleague shares SHARED; OUTSIDE is not hers.

    Tickets: OWN (Jane's), OWN-LOCKED (Jane's, locked by the agent), COLLEAGUE (colleague's
    ticket for SHARED), FOREIGN (a ticket of OUTSIDE).
    """
    acme = factories.CustomerFactory(customer_id="ACME")
    shared = factories.CustomerFactory(customer_id="SHARED")
    outside = factories.CustomerFactory(customer_id="OUTSIDE")
    jane = factories.CustomerUserFactory(login=LOGIN, customer=acme, customers=[shared])
    colleague = factories.CustomerUserFactory(customer=shared)
    stranger = factories.CustomerUserFactory(customer=outside)
    factories.TicketFactory(number="OWN", state="open", queue=queue, customer_user=jane)
    factories.TicketFactory(
        number="OWN-LOCKED",
        state="open",
        queue=queue,
        customer_user=jane,
        is_locked=True,
        owner=agent,
    )
    factories.TicketFactory(number="COLLEAGUE", state="open", queue=queue, customer_user=colleague)
    factories.TicketFactory(number="FOREIGN", state="open", queue=queue, customer_user=stranger)
    return jane


def test_assigned_is_the_default_scope(agent, agent_client, queue):
    arrange(agent, queue)

    html = get(agent_client, "open-tickets")

    assert active_tab(html, SCOPES) == ["assigned"]
    assert active_tab(html, FILTERS) == ["all"]
    assert sorted(markers(html, "ticket")) == ["OWN", "OWN-LOCKED"]


def test_accessible_adds_tickets_of_the_users_customers_only(agent, agent_client, queue):
    arrange(agent, queue)

    html = get(agent_client, "open-tickets", scope="accessible")

    # the colleague's ticket of a shared customer is accessible; the foreign one is neither
    assert sorted(markers(html, "ticket")) == ["COLLEAGUE", "OWN", "OWN-LOCKED"]
    assert tab_count(html, "assigned") == 2
    assert tab_count(html, "accessible") == 3


@pytest.mark.parametrize(
    ("scope", "filter_", "expected", "filter_counts", "scope_counts"),
    [
        ("assigned", "locked", ["OWN-LOCKED"], (1, 0, 2), (1, 1)),
        ("assigned", "all", ["OWN", "OWN-LOCKED"], (1, 0, 2), (2, 3)),
        ("accessible", "locked", ["OWN-LOCKED"], (1, 0, 3), (1, 1)),
        ("accessible", "all", ["COLLEAGUE", "OWN", "OWN-LOCKED"], (1, 0, 3), (2, 3)),
        ("accessible", "my-queues", [], (1, 0, 3), (0, 0)),
    ],
)
def test_both_tab_rows_combine(
    agent, agent_client, queue, scope, filter_, expected, filter_counts, scope_counts
):
    arrange(agent, queue)

    html = get(agent_client, "open-tickets", scope=scope, filter=filter_)

    assert sorted(markers(html, "ticket")) == expected
    assert tuple(tab_count(html, key) for key in FILTERS) == filter_counts
    assert tuple(tab_count(html, key) for key in SCOPES) == scope_counts
    assert active_tab(html, SCOPES + FILTERS) == [scope, filter_]


def test_my_queues_tab_in_the_cuic(agent, agent_client, queue):
    jane = arrange(agent, queue)
    mine = factories.QueueFactory()
    factories.TeamFactory(members=[agent], queues=[mine])
    factories.AgentPreferencesFactory(user=agent, my_queues=[mine])
    factories.TicketFactory(number="MYQ", state="open", queue=mine, customer_user=jane)

    html = get(agent_client, "open-tickets", filter="my-queues")

    assert markers(html, "ticket") == ["MYQ"]
    assert tab_count(html, "my-queues") == 1


def test_customer_ids_lists_primary_first_with_counts(agent, agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ZACME")
    shared = factories.CustomerFactory(customer_id="ASHARED")
    jane = factories.CustomerUserFactory(login=LOGIN, customer=acme, customers=[shared])
    colleague = factories.CustomerUserFactory(customer=shared)
    for state in ["new", "declined", "pending", "closed_with_backout", "merged"]:
        factories.TicketFactory(state=state, queue=queue, customer_user=jane)
    for state in ["open", "resolved", "cancelled"]:
        factories.TicketFactory(state=state, queue=queue, customer_user=colleague)
    factories.TicketFactory(state="open", customer_user=colleague)  # a queue the agent can't see

    html = get(agent_client, "customer-ids")

    assert markers(html, "customer") == ["ZACME", "ASHARED"]
    assert row_count_in(html, "customer", "ZACME", "open") == 3
    assert row_count_in(html, "customer", "ZACME", "closed") == 1
    assert row_count_in(html, "customer", "ASHARED", "open") == 1
    assert row_count_in(html, "customer", "ASHARED", "closed") == 2
    assert f'href="{reverse("dashboards:cic-customer", args=["ASHARED"])}"' in html
    assert f'href="{reverse("tickets:list")}?customer=ASHARED&amp;category=open"' in html
    assert jane.pk


def test_customer_user_information_shows_flags_and_customers(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    shared = factories.CustomerFactory(customer_id="SHARED")
    factories.PortalUserFactory(
        login=LOGIN, customer=acme, customers=[shared], is_power_user=True, phone="+49 2"
    )

    html = get(agent_client, "customer-user-information")

    assert "+49 2" in html
    assert reverse("dashboards:cic-customer", args=["ACME"]) in html
    assert reverse("dashboards:cic-customer", args=["SHARED"]) in html
    assert 'data-flag="power-user"><span class="badge bg-success-subtle' in html
    assert 'data-flag="portal-login"><span class="badge bg-success-subtle' in html


def test_customer_information_in_the_cuic_is_the_primary_customer(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme Primary")
    other = factories.CustomerFactory(customer_id="OTHER", name="Other Corp")
    factories.CustomerUserFactory(login=LOGIN, customer=acme, customers=[other])

    html = get(agent_client, "customer-information")

    assert "Acme Primary" in html
    assert "Other Corp" not in html


def test_cuic_page_links_back_to_the_customers_cic(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    factories.CustomerUserFactory(login=LOGIN, customer=acme)

    html = agent_client.get(reverse("dashboards:cuic-user", args=[LOGIN])).content.decode()

    assert reverse("dashboards:cic-customer", args=["ACME"]) in html
    assert markers(html, "widget") == [
        "customer-ids",
        "reminder-tickets",
        "escalated-tickets",
        "new-tickets",
        "open-tickets",
        "settings",
        "customer-user-information",
        "customer-information",
    ]


def test_agent_outside_the_team_sees_nothing_in_the_cuic(client, agent, queue):
    arrange(agent, queue)
    outsider = factories.AgentFactory()
    client.force_login(outsider)

    html = get(client, "open-tickets", scope="accessible")
    ids = get(client, "customer-ids")

    assert markers(html, "ticket") == []
    assert tab_count(html, "accessible") == 0
    assert row_count_in(ids, "customer", "ACME", "open") == 0


def test_unknown_login_is_404(agent_client):
    assert agent_client.get(reverse("dashboards:cuic-user", args=["nobody"])).status_code == 404
    assert agent_client.get(widget_url("cuic", "nobody", "open-tickets")).status_code == 404


def test_cic_widget_company_status_is_not_a_cuic_widget(agent_client):
    factories.CustomerUserFactory(login=LOGIN)

    assert agent_client.get(widget_url("cuic", LOGIN, "company-status")).status_code == 404
    assert agent_client.get(widget_url("cuic", LOGIN, "customer-users")).status_code == 404


@pytest.mark.parametrize("widget", ["open-tickets", "escalated-tickets"])
def test_accessible_counts_each_ticket_once_own_tickets_of_any_customer(
    agent, agent_client, queue, widget
):
    """Accessible = own tickets (of any customer, or none) + every ticket of the user's
    customers; the counts add the two parts up without counting a ticket twice."""
    jane = arrange(agent, queue)
    outside = jane.tickets.model.objects.get(number="FOREIGN").customer
    due = {"escalation_due": "2020-01-01T00:00Z"}
    for number, customer in (("OWN-ELSEWHERE", outside), ("OWN-NO-CUSTOMER", None)):
        factories.TicketFactory(
            number=number, state="open", queue=queue, customer_user=jane, customer=customer
        )
    jane.tickets.model.objects.update(**due)

    html = get(agent_client, widget, scope="accessible", page_size=50)

    expected = ["COLLEAGUE", "OWN", "OWN-ELSEWHERE", "OWN-LOCKED", "OWN-NO-CUSTOMER"]
    assert sorted(markers(html, "ticket")) == expected
    assert tab_count(html, "assigned") == 4
    assert tab_count(html, "accessible") == 5
    assert tuple(tab_count(html, key) for key in FILTERS) == (1, 0, 5)


def test_customer_user_email_wraps_only_at_its_at_sign_and_dots(agent_client):
    factories.CustomerUserFactory(login=LOGIN, email="maximiliane.schneider@example-logistik.de")

    html = get(agent_client, "customer-user-information")

    assert (
        ">maximiliane<wbr>.schneider<wbr>@example-logistik<wbr>.de</a>" in html,
        'href="mailto:maximiliane.schneider@example-logistik.de"' in html,
    ) == (True, True)


def test_customer_information_without_contracts_says_so_inside_the_padding(agent_client):
    factories.CustomerUserFactory(login=LOGIN)

    html = get(agent_client, "customer-information")

    assert 'class="small text-secondary mb-0 info-empty" data-empty="contracts"' in html
