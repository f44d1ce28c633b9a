"""Pickers in Chromium: type, choose a result, save; at a desktop and a phone size."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from customers.models import CustomerUser
from customers.services import customer_admin_group_ensure
from tests import factories
from tests.conftest import login_in_browser, pick_in_browser
from tickets.models import Ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_new_ticket_customer_and_caller_are_typed_and_picked(page, screenshot, size):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    queue = factories.QueueFactory(name="First Level")
    agent = factories.AgentFactory(first_name="Sam", last_name="Support")
    factories.TeamFactory(members=[agent], queues=[queue])
    for n in range(30):
        factories.CustomerFactory(customer_id=f"WIDGET{n:02d}", name=f"Widget Works {n}")
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme Corporation")
    paula = factories.CustomerUserFactory(
        customer=acme, login="paula", first_name="Paula", last_name="Meyer"
    )
    factories.CustomerUserFactory(customer=acme, first_name="Peter", last_name="Pan")
    login_in_browser(page, "login", agent.username)

    page.goto(page.base_url + reverse("tickets:new-phone"))
    control = page.locator("#id_customer-ts-control")
    control.click()
    control.press_sequentially("widg", delay=30)
    more = page.locator("#div_id_customer [data-picker-more]")
    expect(more).to_have_text("20 of 30 shown: type more to narrow the list.")
    screenshot(f"pickers-01-new-ticket-typing-{size}")
    control.fill("")
    pick_in_browser(page, "id_customer", "acm", "Acme Corporation")
    expect(page.locator("#id_customer_user-ts-control")).to_be_enabled()
    pick_in_browser(page, "id_customer_user", "mey", "Paula Meyer")
    page.fill("#id_title", "Printer jams")
    page.fill("#id_body", "Paula called: the printer jams.")
    screenshot(f"pickers-02-new-ticket-picked-{size}")
    page.click("[data-action=create]")
    page.wait_for_selector("#ticket-zoom")

    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.customer_user) == (acme, paula)


def test_customer_user_gets_a_second_customer_through_the_picker(page, screenshot):
    page.set_viewport_size({"width": 1440, "height": 900})
    agent = factories.AgentFactory()
    agent.groups.add(customer_admin_group_ensure())
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme Corporation")
    globex = factories.CustomerFactory(customer_id="GLOBEX", name="Globex Inc.")
    user = factories.CustomerUserFactory(customer=acme, login="ada", first_name="Ada")
    login_in_browser(page, "login", agent.username)

    page.goto(page.base_url + reverse("dashboards:cuic-user", args=["ada"]))
    page.click('[data-widget="customer-user-information"] [data-action="edit"]')
    expect(page.locator("#modal.show")).to_be_visible()
    pick_in_browser(page, "id_customers", "glob", "Globex Inc.")
    screenshot("pickers-03-customer-user-modal")
    page.click('#modal [data-action="save-and-finish"]')
    expect(page.locator("#modal")).to_be_hidden()

    user = CustomerUser.objects.get(pk=user.pk)
    assert set(user.customers.all()) == {acme, globex}


def test_without_javascript_customer_and_caller_are_typed(page, screenshot):
    queue = factories.QueueFactory(name="First Level")
    agent = factories.AgentFactory()
    factories.TeamFactory(members=[agent], queues=[queue])
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme Corporation")
    paula = factories.CustomerUserFactory(customer=acme, login="paula")
    context = page.context.browser.new_context(
        java_script_enabled=False, viewport={"width": 1440, "height": 900}
    )
    plain = context.new_page()
    plain.base_url = page.base_url
    login_in_browser(plain, "login", agent.username)

    plain.goto(plain.base_url + reverse("tickets:new-phone"))
    plain.fill("#id_customer", "ACME")
    plain.fill("#id_customer_user", "nobody")
    plain.fill("#id_title", "Printer jams")
    plain.fill("#id_body", "Paula called.")
    plain.click("[data-action=create]")
    error = "Select a valid choice. nobody is not one of the available choices."
    expect(plain.locator("#div_id_customer_user")).to_contain_text(error)
    screenshot("pickers-04-without-javascript-error", plain)
    plain.fill("#id_customer_user", "paula")
    plain.click("[data-action=create]")
    plain.wait_for_selector("#ticket-zoom")
    context.close()

    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.customer_user) == (acme, paula)
