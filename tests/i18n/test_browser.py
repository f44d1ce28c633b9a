"""Japanese in Chromium: an agent switches the language in the navbar, then works the CIC and
the zoom; a customer user whose preference is Japanese uses the portal. Screenshots
(screenshots/ja-*.png) were looked at; the checks here are what a person would notice: the
language, Japanese text in place of English, and no page wider than the window."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.services import customer_admin_group_ensure
from tests import factories
from tests.conftest import login_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def arrange():
    queue = factories.QueueFactory(name="Service Desk 2nd level")
    agent = factories.AgentFactory(username="kenji", first_name="Kenji", last_name="Sato")
    agent.groups.add(customer_admin_group_ensure())
    factories.TeamFactory(members=[agent], queues=[queue])
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme Corporation", city="Osaka")
    hana = factories.PortalUserFactory(
        login="hana", first_name="Hana", last_name="Suzuki", customer=acme, language="ja"
    )
    service = factories.ServiceFactory(name="Workplace")
    factories.ContractFactory(customer=acme, customer_contact=hana, services=[service])
    now = timezone.now()
    ticket = factories.TicketFactory(
        queue=queue,
        customer_user=hana,
        title="VPN drops every hour",
        state="in_progress",
        owner=agent,
        escalation_due=now + timedelta(hours=3),
    )
    factories.TicketFactory(queue=queue, customer_user=hana, title="New laptop", state="new")
    factories.TicketFactory(
        queue=queue, customer_user=hana, title="Printer fixed", state="pending_auto_close"
    )
    factories.ArticleFactory(
        ticket=ticket, sender_type="customer", channel="portal", is_public=True, body="Help!"
    )
    return agent, hana, ticket


def test_agent_switches_to_japanese_and_works_the_cic_and_zoom(page, screenshot):
    agent, _hana, ticket = arrange()
    login_in_browser(page, "login", agent.username)
    assert page.locator("html").get_attribute("lang") == "en"

    page.click("[data-language-switch] > a")
    page.click("[data-language='ja']")
    page.wait_for_load_state("networkidle")

    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("[data-menu=tickets]").inner_text() == "チケット"

    page.goto(page.base_url + reverse("dashboards:cic-customer", args=["ACME"]))
    page.wait_for_load_state("networkidle")
    widget = page.locator("[data-widget=open-tickets]")
    assert widget.locator(f"[data-ticket='{ticket.number}']").count() == 1
    assert "未完了" in page.locator("[data-widget=company-status]").inner_text()
    assert page.evaluate(NO_OVERFLOW)
    screenshot("ja-cic")

    page.goto(page.base_url + reverse("tickets:detail", args=[ticket.number]))
    page.wait_for_load_state("networkidle")
    assert "対応中" in page.inner_text("body")
    assert page.evaluate(NO_OVERFLOW)
    screenshot("ja-zoom")


def test_portal_user_with_japanese_preference_sees_the_portal_in_japanese(page, screenshot):
    _agent, hana, ticket = arrange()
    login_in_browser(page, "portal:login", hana.login)

    assert page.locator("html").get_attribute("lang") == "ja"
    body = page.inner_text("body")
    assert "お問い合わせ" in body
    assert "pending auto close" not in body.lower()
    assert page.evaluate(NO_OVERFLOW)
    screenshot("ja-portal-home")

    page.click(f"[data-ticket='{ticket.number}'] a")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.evaluate(NO_OVERFLOW)
    screenshot("ja-portal-detail")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + reverse("portal:new"))
    page.wait_for_load_state("networkidle")
    assert page.evaluate(NO_OVERFLOW)
    screenshot("ja-portal-new-phone")
