"""The agent dashboard in Chromium: every widget in the first paint, drag a widget, close one,
reload, a tab click, the stats chart. Screenshots under screenshots/agent-*.png."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import login_in_browser

from .test_browser import drag, main_order

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def arrange():
    queue = factories.QueueFactory(name="First line")
    second = factories.QueueFactory(name="Network")
    agent = factories.AgentFactory(username="sam", first_name="Sam", last_name="Support")
    factories.TeamFactory(members=[agent], queues=[queue, second])
    factories.AgentPreferencesFactory(user=agent, my_queues=[queue])
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme Corporation")
    now = timezone.now()
    rows = [
        ("Printer jams", "new", {}),
        ("VPN drops every hour", "open", {"escalation_due": now - timedelta(hours=2)}),
        ("Laptop for new hire", "open", {"owner": agent, "is_locked": True}),
        (
            "Call back about licences",
            "pending",
            {"pending_until": now + timedelta(minutes=20), "owner": agent, "is_locked": True},
        ),
        ("Old monitor", "closed", {"closed_at": now - timedelta(days=1)}),
    ]
    for n, (title, state, extra) in enumerate(rows):
        factories.TicketFactory(
            number=f"20261203100000{n:02d}",
            title=title,
            state=state,
            queue=queue if n % 2 == 0 else second,
            customer=acme,
            created_at=now - timedelta(days=n % 3, hours=1),
            **extra,
        )
    call_command("refresh_ticket_stats", verbosity=0)
    return agent


def test_agent_dashboard_drag_close_reload(page, screenshot):
    agent = arrange()
    login_in_browser(page, "login", agent.username)

    # The first paint holds every widget: no widget request follows the page.
    assert page.url == page.base_url + reverse("dashboards:home")
    assert main_order(page) == [
        "queue-overview",
        "reminder-tickets",
        "escalated-tickets",
        "new-tickets",
        "open-tickets",
    ]
    assert page.locator("[data-widget] .widget-loading").count() == 0
    assert page.inner_text('[data-widget="new-tickets"] [data-ticket]') != ""
    assert page.locator('[data-widget="queue-overview"] [data-queue]').count() == 2
    page.wait_for_selector('[data-widget="ticket-stats"] .uplot')
    assert page.locator('[data-widget="ticket-stats"] [data-day]').count() == 7
    screenshot("agent-01-dashboard")

    # Drag Reminder Tickets above the Queue overview.
    response = drag(
        page,
        '[data-widget="reminder-tickets"] > .card-header .widget-title',
        '[data-widget="queue-overview"] > .card-header',
    )
    assert response.status == 204
    assert main_order(page)[:2] == ["reminder-tickets", "queue-overview"]

    # Close Escalated Tickets with its × icon.
    with page.expect_response(lambda r: "/preferences/" in r.url):
        page.click('[data-widget="escalated-tickets"] [data-close]')
    page.wait_for_selector('[data-widget="escalated-tickets"]', state="detached")

    # A tab click swaps only its widget and is remembered.
    page.click('[data-widget="new-tickets"] [data-filter="my-queues"]')
    page.wait_for_selector(
        '[data-widget="new-tickets"] [data-filter="my-queues"].active', state="attached"
    )

    # Reload: order, closed widget and tab are remembered.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert main_order(page) == [
        "reminder-tickets",
        "queue-overview",
        "new-tickets",
        "open-tickets",
    ]
    assert page.locator('[data-widget="escalated-tickets"]').count() == 0
    assert page.locator('[data-widget="new-tickets"] [data-filter="my-queues"].active').count()
    page.wait_for_selector('[data-widget="ticket-stats"] .uplot')
    screenshot("agent-02-after-reload")

    # A queue overview number opens the ticket search with as many tickets.
    cell = page.locator('[data-widget="queue-overview"] [data-count="incomplete"]').first
    count = int(cell.inner_text())
    cell.click()
    page.wait_for_url("**" + reverse("tickets:list") + "**")
    assert page.locator("[data-ticket]").count() == count
    page.wait_for_load_state("networkidle")  # no request may outlive the test's database
