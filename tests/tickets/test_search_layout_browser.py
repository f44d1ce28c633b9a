"""The ticket search at a desktop width and on a phone: the table fits, the filter grid stays
aligned when a field shows an error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import login_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def _agent_with_tickets():
    queue = factories.QueueFactory(name="Second Level Workplace")
    agent = factories.AgentFactory(first_name="Petra", last_name="Zimmermann-Oberhuber")
    factories.TeamFactory(members=[agent], queues=[queue])
    customer = factories.CustomerFactory(customer_id="MUELLER-LOGISTIK")
    caller = factories.CustomerUserFactory(
        customer=customer, first_name="Maximiliane", last_name="Schneider-Wohlgemuth"
    )
    for _ in range(5):
        factories.TicketFactory(
            queue=queue,
            customer=customer,
            customer_user=caller,
            owner=agent,
            escalation_due=timezone.now() + timedelta(hours=3),
            title="The printer on the second floor stops after one page with error E-17 again",
        )
    return agent


def test_ticket_search_table_fits_at_desktop_width(page, screenshot):
    agent = _agent_with_tickets()
    page.set_viewport_size(DESKTOP)
    login_in_browser(page, "login", agent.username)

    page.goto(page.base_url + reverse("tickets:list"))
    page.wait_for_selector("tr[data-ticket]")
    screenshot("tickets-search-1440")
    overflow = page.locator("#results .table-responsive").evaluate(
        "el => el.scrollWidth - el.clientWidth"
    )
    title_lines = page.locator("tr[data-ticket] td:nth-child(2)").first.evaluate(
        "el => Math.round(el.querySelector('a').getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(el).lineHeight))"
    )
    page.set_viewport_size(PHONE)
    screenshot("tickets-search-390")

    assert (overflow, title_lines <= 2) == (0, True)


def test_ticket_search_filter_grid_stays_aligned_with_errors(page, screenshot):
    agent = _agent_with_tickets()
    page.set_viewport_size(DESKTOP)
    login_in_browser(page, "login", agent.username)

    page.goto(page.base_url + reverse("tickets:list") + "?created_after=yesterday")
    page.wait_for_selector("[data-errors=filter]")
    screenshot("tickets-search-errors-1440")
    tops = [
        round(page.locator(f"#id_{name}").bounding_box()["y"])
        for name in ("queue", "owner", "created_after", "created_before")
    ]

    assert len(set(tops)) == 1
    assert "Created from: Enter a valid date." in page.inner_text("[data-errors=filter]")
