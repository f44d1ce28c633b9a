"""The browser harness end to end: an agent and a portal user log in and land at home."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import login_in_browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_login_agent_and_portal_user_land_on_their_home_pages(page, screenshot):
    queue = factories.QueueFactory(name="Service Desk Berlin")
    agent = factories.AgentFactory(first_name="Alex", last_name="Agent")
    factories.TeamFactory(members=[agent], queues=[queue])
    customer = factories.CustomerFactory(customer_id="ACME", name="Acme Corporation")
    portal_user = factories.PortalUserFactory(
        customer=customer, first_name="Chris", last_name="Customer"
    )
    workplace = factories.ServiceFactory(name="Workplace")
    laptops = factories.ServiceFactory(name="Laptop & desktop", parent=workplace)
    titles = {
        "new": "Laptop does not boot after update",
        "open": "VPN disconnects every few minutes",
        "in_progress": "Printer on 2nd floor jams constantly",
        "pending": "New laptop for Nina Weber",
        "resolved": "Mailbox full",
    }
    for i, (state, title) in enumerate(titles.items()):
        factories.TicketFactory(
            queue=queue,
            state=state,
            title=title,
            customer_user=portal_user,
            priority=1 + i % 4,
            owner=agent if state != "new" else None,
            is_locked=state == "in_progress",
            escalation_due="2020-01-01T00:00Z" if state == "open" else None,
            service=laptops,
            created_at=timezone.now() - timedelta(hours=3 + 7 * i),
        )

    login_in_browser(page, "login", agent.username)

    assert page.url == page.base_url + reverse("dashboards:home")
    assert page.locator("[data-ticket]").count() == 4
    screenshot("agent-home")

    page.context.clear_cookies()
    login_in_browser(page, "portal:login", portal_user.login)

    assert page.url == page.base_url + reverse("portal:home")
    assert page.locator("[data-list=open] [data-ticket]").count() == 4
    assert page.locator("[data-list=resolved] [data-ticket]").count() == 1
    screenshot("portal-home")
