"""Saves swap fragments and show toasts (and a refused one its form with errors), with DEBUG on
and off: none of it may run into the CSP."""

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import login_in_browser

from .test_csp_browser import _collect_errors, _problems

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("debug", [False, True])
def test_ticket_saves_cause_no_csp_violation(settings, page, screenshot, debug):
    settings.DEBUG = debug
    queue = factories.QueueFactory()
    agent = factories.AgentFactory(username="csp-saver")
    factories.TeamFactory(members=[agent], queues=[queue])
    ticket = factories.TicketFactory(queue=queue, state="open")
    errors = _collect_errors(page)
    login_in_browser(page, "login", "csp-saver")
    page.goto(page.base_url + reverse("tickets:detail", args=[ticket.number]))

    page.fill("#action-reply textarea[name=body]", "We are on it.")
    page.click("[data-action=reply]")
    page.wait_for_selector("[data-visibility=public] >> text=We are on it.")
    page.click("button[data-bs-target='#tab-note']")
    page.fill("#action-note textarea[name=body]", "Called back.")
    page.click("[data-action=note]")
    page.wait_for_selector("text=Called back.")
    page.click("#tab-update-button")
    page.select_option("#action-update select[name=priority]", index=1)
    page.click("[data-action=update]")
    page.wait_for_timeout(500)
    page.click("button[data-bs-target='#tab-state']")
    page.select_option("#action-state select[name=state]", "pending")
    page.click("[data-action=set-state]")
    page.wait_for_selector("#action-state .invalid-feedback, #action-state .alert-danger")
    page.wait_for_timeout(1000)  # toasts fade in and out
    screenshot("security-csp-after-saves")

    assert [e for e in errors if "Content Security Policy" in e] == []
    refused_state = f"422 {page.base_url}" + reverse("tickets:set-state", args=[ticket.number])
    assert [e for e in _problems(errors) if e != refused_state] == []


def test_dashboard_settings_save_causes_no_csp_violation(page, screenshot):
    factories.AgentFactory(username="csp-boarder")
    customer = factories.CustomerFactory(customer_id="CSP2")
    errors = _collect_errors(page)
    login_in_browser(page, "login", "csp-boarder")
    page.goto(page.base_url + reverse("dashboards:cic-customer", args=[customer.customer_id]))

    page.click("[data-widget=settings] .widget-toggle")
    page.wait_for_selector("#widget-settings-body.show")
    page.click("[data-setting=new-tickets]")
    page.click("[data-widget=settings] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    screenshot("security-csp-after-dashboard-settings")

    assert [e for e in errors if "Content Security Policy" in e] == []
    assert _problems(errors) == []
