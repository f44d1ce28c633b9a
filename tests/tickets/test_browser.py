"""An agent's ticket flow in Chromium: phone ticket with a new contact from the modal, reply,
pending with a reminder time, then the ticket in the search filtered by that customer user."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomerUser
from customers.services import customer_admin_group_ensure
from tests import factories
from tests.conftest import login_in_browser, pick_in_browser
from tickets.models import Ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_phone_ticket_with_new_contact_reply_pending_and_search(page, screenshot):
    queue = factories.QueueFactory(name="First Level")
    agent = factories.AgentFactory(first_name="Sam", last_name="Support")
    agent.groups.add(customer_admin_group_ensure())  # the New Customer Contact modal needs it
    factories.TeamFactory(name="Support", members=[agent], queues=[queue])
    customer = factories.CustomerFactory(customer_id="ACME", name="Acme Corporation")
    factories.CustomerUserFactory(customer=customer, first_name="Paula", last_name="Meyer")
    location = factories.LocationFactory(customer=customer, name="Headquarters")
    factories.AreaFactory(location=location, name="2nd floor")
    factories.ContractFactory(customer=customer, description="Managed workplace 2026")
    factories.ServiceFactory(name="Printing")

    login_in_browser(page, "login", agent.username)

    # New phone ticket: choose the customer, the dependent fields follow.
    page.goto(page.base_url + reverse("tickets:new-phone"))
    pick_in_browser(page, "id_customer", "acm", "Acme Corporation")
    page.wait_for_selector("[data-action=new-contact]")
    page.select_option("#id_location", str(location.pk))
    page.wait_for_selector("#id_area option:has-text('2nd floor')", state="attached")
    screenshot("tickets-01-new-phone")

    # New Customer Contact modal: an invalid submit keeps it open with errors, then it works.
    page.click("[data-action=new-contact]")
    page.wait_for_selector("#modal.show >> text=Add Customer Contact for Acme Corporation")
    page.fill("#contact-form input[name=first_name]", "Grace")
    page.fill("#contact-form input[name=email]", "not-an-email")
    page.click("[data-action=save-contact]")
    page.wait_for_selector("#contact-form .invalid-feedback")
    page.wait_for_selector(".modal-backdrop.show")
    page.wait_for_timeout(300)  # let the backdrop finish fading in for the screenshot
    assert page.is_visible("#modal.show")
    screenshot("tickets-02-contact-modal-errors")
    page.fill("#contact-form input[name=last_name]", "Hopper")
    page.fill("#contact-form input[name=email]", "grace.hopper@acme.example")
    page.click("[data-action=save-contact]")
    page.wait_for_selector("#modal", state="hidden")
    page.wait_for_selector(".modal-backdrop", state="detached")
    contact = CustomerUser.objects.get(email="grace.hopper@acme.example")
    assert contact.customer == customer
    assert page.input_value("#id_customer_user") == contact.login

    page.fill("#id_title", "Printer on the 2nd floor jams")
    page.fill("#id_body", "Grace called: every print job stops after one page with error E-17.")
    page.select_option("#id_queue", str(queue.pk))
    page.select_option("#id_priority", "2")
    screenshot("tickets-03-new-phone-filled")
    page.click("[data-action=create]")
    page.wait_for_selector("#ticket-zoom")
    ticket = Ticket.objects.get()
    assert (ticket.customer_user, ticket.location, ticket.channel) == (contact, location, "phone")
    screenshot("tickets-04-zoom")

    # Reply to the customer user.
    page.fill("#action-reply textarea[name=body]", "Hello Grace, a technician is on the way.")
    page.click("[data-action=reply]")
    page.wait_for_selector("[data-visibility=public] >> text=a technician is on the way")
    assert ticket.articles.filter(sender_type="agent", is_public=True).count() == 1

    # Pending with a reminder time; a past time is refused first.
    page.click("button[data-bs-target='#tab-state']")
    page.select_option("#action-state select[name=state]", "pending")
    past = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#action-state input[name=pending_until]", past)
    page.click("[data-action=set-state]")
    page.wait_for_selector("#action-state >> text=The pending time must be in the future.")
    screenshot("tickets-05-pending-error")
    until = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    page.fill("#action-state input[name=pending_until]", until.strftime("%Y-%m-%dT%H:%M"))
    page.click("[data-action=set-state]")
    page.wait_for_selector("[data-field=state] >> text=Pending")
    ticket.refresh_from_db()
    assert (ticket.state.name, ticket.pending_until) == ("pending", until)
    screenshot("tickets-06-zoom-pending")

    # "Owner & fields" loads its selects when the tab opens; a new owner is saved.
    colleague = factories.AgentFactory(first_name="Olga", last_name="Other")
    factories.TeamFactory(members=[colleague], queues=[queue])
    assert page.locator("#action-update [name=owner]").count() == 0
    page.click("#tab-update-button")
    pick_in_browser(page, "id_owner", "olg", "Olga Other")
    page.wait_for_timeout(300)  # let the tab fade in for the screenshot
    screenshot("tickets-06b-owner-and-fields")
    page.click("[data-action=update]")
    page.wait_for_selector("[data-field=owner] >> text=Olga Other")
    ticket.refresh_from_db()
    assert ticket.owner == colleague

    # The search filtered by the new customer user shows the ticket.
    page.goto(page.base_url + reverse("tickets:list") + f"?customer_user={contact.login}")
    page.wait_for_selector(f'[data-ticket="{ticket.number}"]')
    assert page.locator("tr[data-ticket]").count() == 1
    screenshot("tickets-07-search")


def test_long_thread_shows_earlier_articles_on_request(page, screenshot):
    queue = factories.QueueFactory()
    agent = factories.AgentFactory()
    factories.TeamFactory(members=[agent], queues=[queue])
    ticket = factories.TicketFactory(queue=queue)
    for i in range(55):
        factories.ArticleFactory(ticket=ticket, body=f"Message number {i}")
    login_in_browser(page, "login", agent.username)

    page.goto(page.base_url + reverse("tickets:detail", args=[ticket.number]))
    assert page.locator("[data-article]").count() == 50
    page.click("[data-action=show-all]")
    page.wait_for_selector("[data-article] >> text=Message number 0")
    assert page.locator("[data-article]").count() == 55
    assert page.locator("[data-action=show-all]").count() == 0
    screenshot("tickets-08-long-thread")
