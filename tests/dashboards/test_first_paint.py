"""The first paint of every dashboard: one response holds every enabled widget's first page,
its query count does not grow with the data, and a widget that is off runs no query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards.widgets import AGENT, CIC, CUIC
from tests import factories

from .helpers import markers

pytestmark = pytest.mark.django_db


def add_tickets(agent, queue, customer, customer_user, count):
    """`count` tickets for each widget's rule (new, open and escalated, reminder, closed), for
    the customer and its user."""
    now = timezone.now()
    states = ["new", "open", "pending", "closed"]
    for n in range(count * len(states)):
        state = states[n % len(states)]
        factories.TicketFactory(
            state=state,
            queue=queue,
            customer=customer,
            customer_user=customer_user,
            escalation_due=now - timedelta(minutes=n) if state == "open" else None,
            pending_until=now if state == "pending" else None,
            is_locked=state == "pending",
            owner=agent if state == "pending" else None,
            created_at=now - timedelta(hours=n),
            closed_at=now - timedelta(hours=n) if state == "closed" else None,
        )


@pytest.fixture
def world(agent, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    other = factories.CustomerFactory(customer_id="OTHER")
    jane = factories.CustomerUserFactory(login="jane", customer=acme, customers=[other])
    factories.CustomerUserFactory(customer=acme)
    factories.ContractFactory(customer=acme, support_contact=agent)
    factories.AgentPreferencesFactory(user=agent, my_queues=[queue])
    return acme, jane


PAGES = [
    (AGENT, lambda: reverse("dashboards:home")),
    (CIC, lambda: reverse("dashboards:cic-customer", args=["ACME"])),
    (CUIC, lambda: reverse("dashboards:cuic-user", args=["jane"])),
]


def page_queries(client, url) -> tuple[int, str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode(), [q["sql"] for q in captured]


@pytest.mark.parametrize(("dashboard", "url"), PAGES, ids=[d.key for d, _ in PAGES])
def test_first_paint_holds_every_widget_and_its_queries_do_not_grow(
    agent, agent_client, queue, world, dashboard, url
):
    acme, jane = world
    add_tickets(agent, queue, acme, jane, 2)
    small, small_html, _ = page_queries(agent_client, url())
    add_tickets(agent, queue, acme, jane, 28)  # 30 per rule in all
    large, large_html, _ = page_queries(agent_client, url())

    assert small == large
    assert large <= 30
    for html in (small_html, large_html):
        assert markers(html, "widget-body") == markers(html, "widget")
        assert sorted(markers(html, "widget")) == sorted(dashboard.keys)
    # The data really grew: more ticket rows on the larger page.
    assert len(markers(large_html, "ticket")) > len(markers(small_html, "ticket"))


@pytest.mark.parametrize(("dashboard", "url"), PAGES, ids=[d.key for d, _ in PAGES])
def test_widgets_that_are_off_run_no_query(agent, agent_client, queue, world, dashboard, url):
    acme, jane = world
    add_tickets(agent, queue, acme, jane, 2)
    preferences = reverse("dashboards:preferences", args=[dashboard.key])
    everything, _, _ = page_queries(agent_client, url())

    agent_client.post(preferences, {"enabled": ["settings"]})
    bare, html, sql = page_queries(agent_client, url())

    assert markers(html, "widget") == ["settings"]
    assert bare < everything
    # Left: session, user, preferences, the dashboard's object; on the agent dashboard the
    # stat cards (the team's queues and one query of capped counts).
    assert bare == {"agent": 5, "cic": 4, "cuic": 4}[dashboard.key]
    assert not any("tickets_ticket" in q for q in sql if dashboard.key != "agent")


def test_turning_off_the_ticket_stats_drops_its_query(agent_client, world):
    preferences = reverse("dashboards:preferences", args=["agent"])
    _, _, with_stats = page_queries(agent_client, reverse("dashboards:home"))

    agent_client.post(preferences, {"enabled": [k for k in AGENT.keys if k != "ticket-stats"]})
    _, html, without = page_queries(agent_client, reverse("dashboards:home"))

    assert any("dashboards_tickethourstat" in q for q in with_stats)
    assert not any("dashboards_tickethourstat" in q for q in without)
    assert "ticket-stats" not in markers(html, "widget")


@pytest.mark.parametrize(("dashboard", "url"), PAGES, ids=[d.key for d, _ in PAGES])
def test_dashboard_pages_are_never_cached(agent_client, world, dashboard, url):
    """Back to a dashboard shows the tabs chosen since, not the browser's first paint."""
    response = agent_client.get(url())

    assert "no-store" in response["Cache-Control"]
