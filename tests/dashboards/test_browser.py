"""The CIC and CUIC in Chromium: menu → search dialog → dashboard, drag and drop, close,
reload, re-enable in Settings; CUIC from the customer-users widget, scope tab, ticket zoom and
back. Screenshots at each step (screenshots/cic-*.png, screenshots/cuic-*.png)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.services import customer_admin_group_ensure
from tests import factories
from tests.conftest import SCREENSHOTS, login_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def arrange():
    """An agent in a team, ACME with three users, tickets in every widget, and a contract."""
    queue = factories.QueueFactory(name="Service Desk 2nd level")
    agent = factories.AgentFactory(username="sam", first_name="Sam", last_name="Support")
    agent.groups.add(customer_admin_group_ensure())
    factories.TeamFactory(members=[agent], queues=[queue])
    acme = factories.CustomerFactory(
        customer_id="ACME",
        name="Acme Corporation",
        street="Main Street 1",
        zip="10115",
        city="Berlin",
        phone="+49 30 123456",
    )
    factories.CustomerFactory(customer_id="ACCU", name="Accurate Metrics")
    factories.CustomerFactory(customer_id="GLOBEX", name="Globex")
    jane = factories.CustomerUserFactory(
        login="jane.doe", first_name="Jane", last_name="Doe", customer=acme, is_power_user=True
    )
    max_ = factories.CustomerUserFactory(
        login="max.power", first_name="Max", last_name="Power", customer=acme
    )
    factories.CustomerUserFactory(login="lea.sun", first_name="Lea", last_name="Sun", customer=acme)
    contract = factories.ContractFactory(
        customer=acme,
        description="Managed workplace",
        customer_contact=jane,
        support_contact=agent,
        has_hour_restriction=True,
        contract_hours=40,
    )
    now = timezone.now()
    rows = [
        ("VPN drops every hour", "open", jane, {"escalation_due": now - timedelta(hours=2)}),
        ("New laptop for Max", "new", max_, {}),
        ("Printer on floor 2 jams", "in_progress", jane, {"owner": agent, "is_locked": True}),
        ("Mailbox quota", "declined", max_, {}),
        (
            "Call back about licences",
            "pending",
            jane,
            {"pending_until": now + timedelta(minutes=20), "owner": agent, "is_locked": True},
        ),
        ("Old monitor", "closed_with_backout", max_, {}),
        ("Password reset", "resolved", jane, {}),
    ]
    tickets = {}
    for n, (title, state, user, extra) in enumerate(rows):
        tickets[title] = factories.TicketFactory(
            number=f"20261123100000{n:02d}",
            title=title,
            state=state,
            queue=queue,
            customer_user=user,
            priority=(n % 4) + 1,
            created_at=now - timedelta(hours=3 * n + 1),
            **extra,
        )
    factories.TimeEntryFactory(ticket=tickets["VPN drops every hour"], agent=agent, minutes=750)
    tickets["VPN drops every hour"].contract = contract
    tickets["VPN drops every hour"].save()
    return agent, tickets


def wait_widgets_loaded(page):
    page.wait_for_selector("[data-widget] .widget-loading", state="detached")


def main_order(page):
    return page.eval_on_selector_all(
        "[data-column=main] > [data-widget]", "els => els.map(e => e.dataset.widget)"
    )


def drag(page, source, target):
    """Drag with real mouse moves (SortableJS runs in fallback mode)."""
    src = page.locator(source).bounding_box()
    dst = page.locator(target).bounding_box()
    page.mouse.move(src["x"] + src["width"] / 2, src["y"] + src["height"] / 2)
    page.mouse.down()
    steps = 12
    for i in range(1, steps + 1):
        page.mouse.move(
            src["x"] + src["width"] / 2,
            src["y"] + (dst["y"] + 8 - src["y"]) * i / steps,
        )
        page.wait_for_timeout(30)
    with page.expect_response(lambda r: "/preferences/" in r.url) as response:
        page.mouse.up()
    return response.value


def test_cic_search_drag_close_reload_and_reenable(page, screenshot):
    agent, _ = arrange()
    login_in_browser(page, "login", agent.username)

    # Menu → Customers → Customer Information Center: the search dialog opens.
    page.click("[data-menu=customers]")
    page.click("[data-menu-item=cic]")
    page.wait_for_selector("#search-dialog.show")
    page.fill("#search-customer", "a")
    page.wait_for_timeout(500)
    assert page.locator("#search-customer-results [data-result]").count() == 0
    page.fill("#search-customer", "ac")
    page.wait_for_selector('#search-customer-results [data-result="customer:ACME"]')
    assert page.locator("#search-customer-results [data-result]").count() == 2
    screenshot("cic-01-search-dialog")
    page.click('[data-result="customer:ACME"]')
    page.wait_for_url("**" + reverse("dashboards:cic-customer", args=["ACME"]))
    wait_widgets_loaded(page)
    page.wait_for_load_state("networkidle")  # no request may outlive the test's database
    wait_widgets_loaded(page)
    assert page.locator('[data-widget="customer-users"] [data-customer-user]').count() == 3
    assert page.inner_text('[data-widget="company-status"] [data-count="open"]') == "5"
    screenshot("cic-02-dashboard")

    # Drag Reminder Tickets to the top of the main column.
    assert main_order(page)[:2] == ["customer-users", "reminder-tickets"]
    response = drag(
        page,
        '[data-widget="reminder-tickets"] > .card-header .widget-title',
        '[data-widget="customer-users"] > .card-header',
    )
    assert response.status == 204
    assert main_order(page)[:2] == ["reminder-tickets", "customer-users"]

    # Close Company Status with its × icon.
    with page.expect_response(lambda r: "/preferences/" in r.url):
        page.click('[data-widget="company-status"] [data-close]')
    page.wait_for_selector('[data-widget="company-status"]', state="detached")

    # Reload: the order and the closed widget are remembered.
    page.reload()
    wait_widgets_loaded(page)
    assert main_order(page)[:2] == ["reminder-tickets", "customer-users"]
    assert page.locator('[data-widget="company-status"]').count() == 0
    screenshot("cic-03-after-reload")

    # Settings (collapsed) expands on its header; turn Company Status on again.
    page.click('[data-widget="settings"] .widget-toggle')
    page.wait_for_selector("#widget-settings-body.show")
    assert not page.is_checked('[data-setting="company-status"]')
    screenshot("cic-04-settings-open")
    page.check('[data-setting="company-status"]')
    page.click("text=Save settings")
    page.wait_for_selector('[data-widget="company-status"] [data-count="all"]')
    assert main_order(page)[:2] == ["reminder-tickets", "customer-users"]
    wait_widgets_loaded(page)
    screenshot("cic-05-reenabled")

    # Move up / down buttons reorder with the keyboard too, and persist.
    sidebar = "[data-column=sidebar] > [data-widget]"
    assert page.eval_on_selector_all(sidebar, "els => els.map(e => e.dataset.widget)") == [
        "settings",
        "company-status",
        "customer-information",
    ]
    with page.expect_response(lambda r: "/preferences/" in r.url):
        page.click('[data-widget="customer-information"] [data-move="up"]')
    page.reload()
    wait_widgets_loaded(page)
    assert page.eval_on_selector_all(sidebar, "els => els.map(e => e.dataset.widget)") == [
        "settings",
        "customer-information",
        "company-status",
    ]

    # Tabs swap only their widget: My locked tickets in Open Tickets.
    page.click('[data-widget="open-tickets"] [data-filter="locked"]')
    page.wait_for_selector(
        '[data-widget="open-tickets"] [data-filter="locked"].active', state="attached"
    )
    assert page.locator('[data-widget="open-tickets"] [data-ticket]').count() == 1

    # Edit a customer user in the modal: Save and finish closes it and refreshes the widget.
    page.click('[data-customer-user="max.power"] [data-action=edit]')
    page.wait_for_selector("#modal.show input[name=first_name]")
    page.fill("#modal input[name=first_name]", "Maximilian")
    page.screenshot(path=str(SCREENSHOTS / "cic-06-edit-modal.png"))
    page.click("#modal [data-action=save-and-finish]")
    page.wait_for_selector("#modal.show", state="detached")
    page.wait_for_selector('[data-customer-user="max.power"] >> text=Maximilian Power')
    page.wait_for_load_state("networkidle")  # no request may outlive the test's database


def test_cuic_from_cic_accessible_tab_ticket_and_back(page, screenshot):
    agent, tickets = arrange()
    login_in_browser(page, "login", agent.username)
    page.goto(page.base_url + reverse("dashboards:cic-customer", args=["ACME"]))
    wait_widgets_loaded(page)

    # Reach the CUIC from the customer-users widget.
    page.click('[data-customer-user="jane.doe"] [data-link=cuic]')
    page.wait_for_url("**" + reverse("dashboards:cuic-user", args=["jane.doe"]))
    wait_widgets_loaded(page)
    open_widget = '[data-widget="open-tickets"]'
    assert page.locator(f"{open_widget} [data-ticket]").count() == 2  # Jane's own
    screenshot("cuic-01-dashboard")

    # Accessible for customer user adds Max's tickets of the same customer.
    page.click(f'{open_widget} [data-filter="accessible"]')
    page.wait_for_selector(f'{open_widget} [data-filter="accessible"].active', state="attached")
    declined = tickets["Mailbox quota"].number
    page.wait_for_selector(f'{open_widget} [data-ticket="{declined}"]')
    assert page.locator(f"{open_widget} [data-ticket]").count() == 3
    screenshot("cuic-02-accessible")

    # Open a ticket from the widget, then come back: the tab choice is remembered.
    page.click(f'{open_widget} [data-ticket="{declined}"] a')
    page.wait_for_url("**" + reverse("tickets:detail", args=[declined]))
    screenshot("cuic-03-ticket-zoom")
    page.go_back()
    page.wait_for_url("**" + reverse("dashboards:cuic-user", args=["jane.doe"]))
    page.wait_for_selector(f'{open_widget} [data-filter="accessible"].active', state="attached")
    assert page.locator(f"{open_widget} [data-ticket]").count() == 3

    # The customer-ids widget links back to the CIC.
    page.click('[data-widget="customer-ids"] [data-customer="ACME"] [data-link=cic]')
    page.wait_for_url("**" + reverse("dashboards:cic-customer", args=["ACME"]))
    wait_widgets_loaded(page)
    page.wait_for_load_state("networkidle")  # no request may outlive the test's database
