"""axe-core over every agent and portal page, and with a modal open: no serious or critical
violation. axe-playwright-python bundles axe-core and injects it; nothing is downloaded."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone

from customers.services import customer_admin_group_ensure
from tests import factories
from tests.conftest import login_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BLOCKING = {"serious", "critical"}
# Milder rules the pages pass today and must keep passing.
ALSO = {"empty-table-header", "duplicate-id-aria", "landmark-one-main", "page-has-heading-one"}


def violations(page) -> list[str]:
    """Serious and critical violations on the page as it is now, one line per node."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # fades and htmx settling
    results = Axe().run(page)
    found = []
    for rule in results.response["violations"]:
        if rule["impact"] not in BLOCKING and rule["id"] not in ALSO:
            continue
        for node in rule["nodes"]:
            why = node["any"][0]["message"] if node["any"] else ""
            found.append(f"{page.url} {rule['id']} ({rule['impact']}): {node['target']} {why}")
    return found


def arrange():
    queue = factories.QueueFactory(name="Service Desk 2nd level")
    agent = factories.AgentFactory(username="sam", first_name="Sam", last_name="Support")
    agent.groups.add(customer_admin_group_ensure())
    factories.TeamFactory(members=[agent], queues=[queue])
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme Corporation", city="Berlin")
    jane = factories.PortalUserFactory(
        login="jane.doe", first_name="Jane", last_name="Doe", customer=acme, is_power_user=True
    )
    factories.CustomerUserFactory(login="max.power", first_name="Max", customer=acme)
    workplace = factories.ServiceFactory(name="Workplace", description="Laptops and printers.")
    factories.ServiceFactory(name="Laptop", parent=workplace)
    printer = factories.ServiceFactory(name="Printer", parent=workplace)
    network = factories.ServiceFactory(name="Network")
    factories.ContractFactory(
        customer=acme,
        services=[workplace, network],
        customer_contact=jane,
        support_contact=agent,
        has_hour_restriction=True,
        contract_hours=40,
    )
    now = timezone.now()
    open_ticket = factories.TicketFactory(
        number="2026112310000001",
        title="VPN drops every hour",
        state="open",
        queue=queue,
        customer_user=jane,
        escalation_due=now - timedelta(hours=1),
    )
    factories.ArticleFactory(ticket=open_ticket, body="The VPN drops every hour.")
    closed = factories.TicketFactory(
        number="2026112310000002",
        title="Old monitor",
        state="closed",
        queue=queue,
        customer_user=jane,
        closed_at=now - timedelta(days=1),
    )
    factories.ArticleFactory(ticket=closed, body="Please take the old monitor away.")
    return agent, jane, open_ticket, closed, workplace, printer


def test_agent_pages_have_no_serious_violations(page):
    agent, jane, ticket, _, _, _ = arrange()
    login_page = page.base_url + reverse("login")
    page.goto(login_page)
    found = violations(page)
    login_in_browser(page, "login", agent.username)

    urls = [
        reverse("dashboards:home"),
        reverse("tickets:list"),
        reverse("tickets:list") + "?created_after=nonsense",
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:new-phone"),
        reverse("tickets:new-email") + f"?customer_user={jane.login}",
        reverse("tickets:preferences"),
        reverse("dashboards:cic-customer", args=["ACME"]),
        reverse("dashboards:cuic-user", args=[jane.login]),
        reverse("customers:list"),
        reverse("customers:settings", args=["ACME"]),
        reverse("customers:contacts", args=["ACME"]),
        reverse("customers:contracts", args=["ACME"]),
        reverse("customers:notification-groups", args=["ACME"]),
        reverse("customers:locations", args=["ACME"]),
    ]
    for url in urls:
        page.goto(page.base_url + url)
        found += violations(page)

    # Every action tab of the zoom, one after the other.
    page.goto(page.base_url + reverse("tickets:detail", args=[ticket.number]))
    for tab in ("#tab-note", "#tab-state", "#tab-time", "#tab-update"):
        page.click(f"[data-bs-target='{tab}']")
        found += violations(page)

    # The CIC search dialog with matches, then an edit modal on the dashboard.
    page.goto(page.base_url + reverse("dashboards:cic"))
    page.wait_for_selector("#search-dialog.show")
    page.fill("#search-customer", "ac")
    page.wait_for_selector("#search-customer-results [data-result]")
    page.keyboard.press("ArrowDown")
    found += violations(page)
    page.goto(page.base_url + reverse("dashboards:cuic"))
    page.wait_for_selector("#search-dialog.show")
    page.fill("#search-customer-user", "jane")
    page.wait_for_selector("#search-customer-user-results [data-result]")
    found += violations(page)
    page.goto(page.base_url + reverse("dashboards:cic-customer", args=["ACME"]))
    page.wait_for_selector("[data-action=add-customer-user]")
    page.click("[data-action=add-customer-user]")
    page.wait_for_selector("#modal.show")
    found += violations(page)
    page.keyboard.press("Escape")
    page.wait_for_selector("#modal.show", state="detached")

    # The shortcut sheet.
    page.keyboard.press("?")
    page.wait_for_selector("#shortcuts.show")
    found += violations(page)

    assert found == [], "\n".join(found)


def test_portal_pages_have_no_serious_violations(page):
    _, jane, ticket, closed, workplace, printer = arrange()
    page.goto(page.base_url + reverse("portal:login"))
    found = violations(page)
    login_in_browser(page, "portal:login", jane.login)

    new = reverse("portal:new")
    urls = [
        reverse("portal:home"),
        new,
        new + f"?service={workplace.pk}",
        new + f"?service={workplace.pk}&subcategory={printer.pk}",
        reverse("portal:detail", args=[ticket.number]),
        reverse("portal:detail", args=[closed.number]),
        reverse("portal:closed"),
        reverse("portal:password"),
        reverse("portal:preferences"),
    ]
    for url in urls:
        page.goto(page.base_url + url)
        found += violations(page)
    assert found == [], "\n".join(found)
