"""The portal end to end in Chromium: wizard with an attachment, public log, update, resolve,
close with satisfaction, closed search. Screenshots at each step, desktop and phone."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import login_in_browser
from tickets.models import Ticket
from tickets.services import article_add, ticket_set_state

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


def test_portal_request_lifecycle(page, screenshot, tmp_path):
    customer = factories.CustomerFactory(name="Acme Corporation")
    user = factories.PortalUserFactory(
        customer=customer, first_name="Paula", last_name="Meyer", login="paula"
    )
    agent = factories.AgentFactory(first_name="Sam", last_name="Support")
    workplace = factories.ServiceFactory(
        name="Workplace", description="Laptops, printers, phones and desk equipment."
    )
    factories.ServiceFactory(name="Laptop", parent=workplace)
    printer = factories.ServiceFactory(name="Printer", parent=workplace)
    network = factories.ServiceFactory(name="Network", description="VPN, Wi-Fi and internet.")
    factories.ContractFactory(customer=customer, services=[workplace, network])
    log = tmp_path / "printer-log.txt"
    log.write_text("E-17 paper jam in tray 2\n")

    # Log in: the home page with no requests yet.
    login_in_browser(page, "portal:login", "paula")
    assert page.url == page.base_url + reverse("portal:home")
    screenshot("portal-01-home-empty")

    # Wizard: service, sub-category, details with an attachment.
    page.click("text=New request >> nth=0")
    page.wait_for_selector(f'[data-service="{workplace.pk}"]')
    screenshot("portal-02-wizard-service")
    page.click(f'[data-service="{workplace.pk}"]')
    page.wait_for_selector(f'[data-subcategory="{printer.pk}"]')
    screenshot("portal-03-wizard-subcategory")
    page.click(f'[data-subcategory="{printer.pk}"]')
    page.fill("input[name=title]", "Printer on floor 2 jams")
    page.fill("textarea[name=description]", "Every print job stops with E-17 after one page.")
    page.select_option("select[name=impact]", "2")
    page.select_option("select[name=urgency]", "2")
    page.set_input_files("input[name=attachments]", str(log))
    screenshot("portal-04-wizard-details")
    page.click("button:has-text('Submit the request')")
    page.wait_for_selector("[data-request]")

    ticket = Ticket.objects.get()
    assert page.url == page.base_url + reverse("portal:detail", args=[ticket.number])
    assert (ticket.service, ticket.priority.level, ticket.channel) == (printer, 2, "portal")
    assert page.locator("[data-attachment]").inner_text().startswith("printer-log.txt")
    screenshot("portal-05-detail-created")

    # The agent replies (public) and writes an internal note; the user sees only the reply.
    article_add(
        ticket=ticket,
        by=agent,
        body="Hello Paula, please open tray 2 and remove the torn sheet. Does it work now?",
        sender_type="agent",
        is_public=True,
        channel="email",
    )
    article_add(
        ticket=ticket,
        by=agent,
        body="Internal: toner low too",
        sender_type="agent",
        is_public=False,
    )
    page.reload()
    assert page.locator("[data-article]").count() == 2
    assert "remove the torn sheet" in page.inner_text("[data-log]")
    assert "Internal: toner" not in page.content()

    # The user updates the request.
    page.fill("textarea[name=comment]", "Done, but it jams again after ten pages.")
    page.click("button:has-text('Update the request')")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-article]").count() == 3
    screenshot("portal-06-detail-updated")

    # The agent resolves; the user closes with a satisfaction level.
    ticket_set_state(ticket=ticket, state=factories.state("resolved"), by=agent)
    page.goto(page.base_url + reverse("portal:home"))
    assert page.locator(f'[data-list="resolved"] [data-ticket="{ticket.number}"]').count() == 1
    screenshot("portal-07-home-resolved")
    page.click(f'[data-list="resolved"] [data-ticket="{ticket.number}"] a')
    page.click("button:has-text('Close the request')")
    page.wait_for_selector("#close-panel.show")
    page.click("label[for=satisfaction-1]")
    page.fill("#close-panel textarea[name=comment]", "Fast and friendly, thank you!")
    page.wait_for_timeout(300)  # let the button's colour transition finish for the picture
    screenshot("portal-08-close-dialog")
    page.click("button:has-text('Close with this rating')")
    page.wait_for_selector("[data-final]")
    screenshot("portal-09-detail-closed")

    ticket.refresh_from_db()
    assert (ticket.state.name, ticket.satisfaction) == ("closed", 1)
    assert ticket.satisfaction_comment == "Fast and friendly, thank you!"

    # It appears in the closed search and no longer under open requests.
    page.click("nav >> text=Closed requests")
    page.fill("input[name=reference]", ticket.number[-4:])
    page.click("button:has-text('Search')")
    page.wait_for_load_state("networkidle")
    assert page.locator(f'[data-list="closed"] [data-ticket="{ticket.number}"]').count() == 1
    screenshot("portal-10-closed-search")
    page.goto(page.base_url + reverse("portal:home"))
    assert page.locator(f'[data-ticket="{ticket.number}"]').count() == 0

    # Phone-sized viewport: the same pages stay usable.
    page.set_viewport_size(PHONE)
    second = factories.TicketFactory(
        customer_user=user, title="Wi-Fi in meeting room B is slow", service=network
    )
    page.goto(page.base_url + reverse("portal:home"))
    screenshot("portal-11-phone-home")
    page.goto(page.base_url + reverse("portal:new") + f"?service={workplace.pk}")
    screenshot("portal-12-phone-wizard")
    page.goto(
        page.base_url + reverse("portal:new") + f"?service={workplace.pk}&subcategory={printer.pk}"
    )
    screenshot("portal-13-phone-details")
    page.goto(page.base_url + reverse("portal:detail", args=[ticket.number]))
    screenshot("portal-14-phone-detail-closed")
    page.goto(page.base_url + reverse("portal:detail", args=[second.number]))
    screenshot("portal-15-phone-detail-open")
    third = factories.TicketFactory(
        customer_user=user, title="New monitor for reception", service=printer, state="resolved"
    )
    page.goto(page.base_url + reverse("portal:detail", args=[third.number]))
    page.click("button:has-text('Close the request')")
    page.wait_for_selector("#close-panel.show")
    page.click("label[for=satisfaction-3]")
    page.wait_for_timeout(300)  # let the button's colour transition finish for the picture
    screenshot("portal-16-phone-resolved-close")
    page.goto(page.base_url + reverse("portal:closed"))
    screenshot("portal-17-phone-closed")
    page.click(".navbar-toggler")
    page.wait_for_selector("#portalnav.show")
    screenshot("portal-18-phone-menu")
    assert re.search(r"Closed requests", page.inner_text("#portalnav"))
