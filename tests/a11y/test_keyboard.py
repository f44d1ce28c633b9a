"""Keyboard only, no clicks: the search dialog → CIC → new phone ticket → reply journey, the
agent shortcuts, widget tabs and move buttons, the zoom's action tabs and the portal wizard.
Every focused control shows a focus ring."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from customers.services import customer_admin_group_ensure
from tests import factories
from tickets.models import Ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}

# Bootstrap draws focus as a box-shadow on buttons, fields and tabs; ours is an outline.
FOCUS_RING = """() => {
  const s = getComputedStyle(document.activeElement);
  return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
}"""


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the focus is on `selector`; it must show a focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_RING), f"no focus ring on {selector}"
            return
    raise AssertionError(f"Tab never reached {selector}")


def keyboard_login(page, url_name: str, username: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(page.base_url + reverse(url_name))
    tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(factories.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def focused(page, attribute: str) -> str | None:
    return page.evaluate("a => document.activeElement.getAttribute(a)", attribute)


def arrange():
    queue = factories.QueueFactory(name="Service Desk 2nd level")
    agent = factories.AgentFactory(username="sam", first_name="Sam", last_name="Support")
    agent.groups.add(customer_admin_group_ensure())
    factories.TeamFactory(members=[agent], queues=[queue])
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme Corporation", city="Berlin")
    factories.CustomerFactory(customer_id="ACCU", name="Accurate Metrics")
    jane = factories.PortalUserFactory(
        login="jane.doe", first_name="Jane", last_name="Doe", customer=acme
    )
    for n in range(3):
        factories.TicketFactory(
            title=f"Earlier issue {n}", state="new", queue=queue, customer_user=jane
        )
    return agent, jane, queue


def test_search_dialog_cic_new_phone_ticket_reply_by_keyboard(page, screenshot):
    agent, jane, queue = arrange()
    keyboard_login(page, "login", agent.username)
    assert page.url == page.base_url + reverse("dashboards:home")

    # g c: the CIC with its search dialog; arrows choose a match, Enter opens it.
    page.keyboard.press("g")
    page.keyboard.press("c")
    page.wait_for_selector("#search-dialog.show")
    page.wait_for_function("() => document.activeElement.id === 'search-customer'")
    page.keyboard.type("ac")
    page.wait_for_selector("#search-customer-results [data-result]")
    combobox = page.locator("#search-customer")
    assert combobox.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # wraps to the first
    first = page.locator("#search-customer-results [role=option]").first
    assert combobox.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowUp")
    last = page.locator("#search-customer-results [role=option]").last
    assert last.get_attribute("data-result") == "customer:ACME"
    assert last.get_attribute("aria-selected") == "true"
    screenshot("a11y-01-search-dialog-keyboard")
    page.set_viewport_size(PHONE)
    screenshot("a11y-01-search-dialog-keyboard-phone")
    page.set_viewport_size(DESKTOP)
    # Escape drops the choice first and keeps the dialog; Enter opens the match.
    page.keyboard.press("Escape")
    assert combobox.get_attribute("aria-activedescendant") is None
    assert page.is_visible("#search-dialog.show")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + reverse("dashboards:cic-customer", args=["ACME"]))
    page.wait_for_selector("[data-widget] .widget-loading", state="detached")
    page.wait_for_load_state("networkidle")

    # A widget's filter tab by keyboard keeps the focus on the tab after the swap.
    tab_to(page, '[data-widget="new-tickets"] [data-filter="all"]')
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-widget="new-tickets"] [data-filter="all"].active')
    page.wait_for_function("() => document.activeElement.dataset.filter === 'all'")
    # Next page and back by keyboard; the focus stays on the pager.
    for n in range(9):
        factories.TicketFactory(
            title=f"Later issue {n}", state="new", queue=queue, customer_user=jane
        )
    page.evaluate("() => document.body.dispatchEvent(new Event('refresh-new-tickets'))")
    page.wait_for_selector('[data-widget="new-tickets"] [data-page="next"]')
    tab_to(page, '[data-widget="new-tickets"] [data-page="next"]')
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-widget="new-tickets"] [data-page="prev"]')
    page.wait_for_function("() => document.activeElement.dataset.page === 'prev'")
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-widget="new-tickets"] [data-page="prev"]', state="detached")
    page.wait_for_function("() => document.activeElement.dataset.page === 'next'")
    # Move down: the widget moves, the focus stays on the button.
    order = page.eval_on_selector_all(
        "[data-column=main] > [data-widget]", "els => els.map(e => e.dataset.widget)"
    )
    tab_to(page, f'[data-widget="{order[0]}"] [data-move=down]')
    with page.expect_response(lambda r: "/preferences/" in r.url):
        page.keyboard.press("Enter")
    moved = page.eval_on_selector_all(
        "[data-column=main] > [data-widget]", "els => els.map(e => e.dataset.widget)"
    )
    assert moved[:2] == [order[1], order[0]]
    assert focused(page, "data-move") == "down"
    screenshot("a11y-02-cic-focus-move")

    # The customer user's "Create" link: a new phone ticket for Jane.
    tab_to(page, f'[data-customer-user="{jane.login}"] [data-action=new-phone]')
    page.keyboard.press("Enter")
    page.wait_for_url("**" + reverse("tickets:new-phone") + "*")
    tab_to(page, "#id_title")
    page.keyboard.type("VPN drops every hour")
    tab_to(page, "#id_body")
    page.keyboard.type("Jane called: the VPN drops every hour since Monday.")
    tab_to(page, "[data-action=create]")
    screenshot("a11y-03-new-phone-focus")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ticket-zoom")
    ticket = Ticket.objects.get(title="VPN drops every hour")
    assert (ticket.customer_user, ticket.channel) == (jane, "phone")

    # The action tabs follow the arrow keys; then the reply.
    tab_to(page, "[data-bs-target='#tab-reply']")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("#tab-note.show")
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("#tab-reply.show")
    tab_to(page, "#action-reply textarea[name=body]")
    page.keyboard.type("Hello Jane, please try the new VPN profile.")
    tab_to(page, "[data-action=reply]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-visibility=public] >> text=please try the new VPN profile")
    assert ticket.articles.filter(sender_type="agent", is_public=True).count() == 1
    page.wait_for_function("() => document.activeElement.dataset.action === 'reply'")
    screenshot("a11y-04-zoom-replied")


def test_shortcuts_open_their_pages_and_never_fire_while_typing(page, screenshot):
    agent, _, _ = arrange()
    keyboard_login(page, "login", agent.username)

    page.keyboard.press("?")
    page.wait_for_selector("#shortcuts.show")
    assert page.locator("#shortcuts [data-shortcut]").count() == 5
    screenshot("a11y-05-shortcut-sheet")
    page.set_viewport_size(PHONE)
    screenshot("a11y-05-shortcut-sheet-phone")
    page.set_viewport_size(DESKTOP)
    # As a person would, press Escape once the sheet is open: Bootstrap moves the focus into it
    # when its fade has ended and ignores Escape before (a slow machine is still fading).
    expect(page.locator("#shortcuts")).to_be_focused()
    page.keyboard.press("Escape")
    page.wait_for_selector("#shortcuts", state="hidden")

    page.keyboard.press("n")
    page.wait_for_url("**" + reverse("tickets:new-phone"))
    # Typing "n", "g u" or "/" in a field is text, not a shortcut.
    tab_to(page, "#id_title")
    page.keyboard.type("n g u / ?")
    page.wait_for_timeout(300)
    assert page.url == page.base_url + reverse("tickets:new-phone")
    assert page.input_value("#id_title") == "n g u / ?"
    assert not page.is_visible("#shortcuts")

    page.keyboard.press("Escape")  # leave nothing focused but the page
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("/")
    page.wait_for_url("**" + reverse("tickets:list"))
    page.keyboard.press("/")
    page.wait_for_function("() => document.activeElement.name === 'q'")

    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("g")
    page.keyboard.press("u")
    page.wait_for_url("**" + reverse("dashboards:cuic"))
    page.wait_for_selector("#search-dialog.show")


def test_home_stat_cards_are_links_by_keyboard(page, screenshot):
    agent, _, _ = arrange()
    keyboard_login(page, "login", agent.username)
    tab_to(page, "[data-stat-link=new]")
    screenshot("a11y-06-home-stat-focus")
    page.set_viewport_size(PHONE)
    screenshot("a11y-06-home-stat-focus-phone")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + reverse("tickets:list") + "?state_type=new")
    assert page.locator("[data-ticket]").count() == 3


def test_portal_wizard_by_keyboard(page, screenshot):
    customer = factories.CustomerFactory(name="Acme Corporation")
    factories.PortalUserFactory(customer=customer, login="paula")
    workplace = factories.ServiceFactory(name="Workplace")
    factories.ServiceFactory(name="Laptop", parent=workplace)
    printer = factories.ServiceFactory(name="Printer", parent=workplace)
    network = factories.ServiceFactory(name="Network")
    factories.ContractFactory(customer=customer, services=[workplace, network])

    keyboard_login(page, "portal:login", "paula")
    page.goto(page.base_url + reverse("portal:new"))
    tab_to(page, f'[data-service="{workplace.pk}"]')
    screenshot("a11y-07-portal-wizard-focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, f'[data-subcategory="{printer.pk}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "input[name=title]")
    page.keyboard.type("Printer on floor 2 jams")
    tab_to(page, "textarea[name=description]")
    page.keyboard.type("Every print job stops with E-17.")
    tab_to(page, "form button[type=submit]")
    page.set_viewport_size(PHONE)
    screenshot("a11y-08-portal-wizard-submit-focus-phone")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-request]")
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.service) == ("Printer on floor 2 jams", printer)
