"""The hours-over-time chart drawn in a real browser (CSP on), wide and on a phone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.conftest import login_in_browser
from tests.contracts.test_usage_chart import book
from tests.customers.helpers import customer_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_contract_chart_on_the_tab_and_in_the_cic(page, screenshot, width, height):
    errors, missing = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.set_viewport_size({"width": width, "height": height})
    admin = customer_admin(username="carla")
    factories.TeamFactory(members=[admin], queues=[factories.QueueFactory()])
    customer = factories.CustomerFactory(customer_id="ACME", name="Acme Corporation")
    contract = factories.ContractFactory(
        customer=customer,
        description="Managed workplace",
        start_date=timezone.localdate() - timedelta(days=40),
        has_hour_restriction=True,
        contract_hours=20,
        hours_notification_threshold=15,
    )
    fresh = factories.ContractFactory(
        customer=customer, description="Starts today", start_date=timezone.localdate()
    )
    for days_ago, minutes in ((35, 120), (28, 240), (20, 90), (12, 300), (5, 180), (1, 60)):
        book(contract, minutes, timezone.now() - timedelta(days=days_ago))
    login_in_browser(page, "login", admin.username)

    page.goto(page.base_url + reverse("customers:contracts", args=["ACME"]))
    chart = page.locator(f'[data-contract-chart="{contract.pk}"]')
    expect(chart.locator("canvas")).to_be_visible()
    expect(chart.locator(".u-legend")).to_contain_text("Contract hours")
    screenshot(f"contract_chart_tab_{width}")
    # The table for screen readers stays inside the table's scroll box: the page never scrolls
    # sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(page.base_url + reverse("dashboards:cic-customer", args=["ACME"]))
    widget = page.locator('[data-widget-body="customer-information"]')
    expect(widget.locator(f'[data-contract-chart="{contract.pk}"] canvas')).to_be_visible()
    expect(widget.locator(f'[data-contract-chart="{fresh.pk}"] canvas')).to_be_visible()
    box = widget.locator("canvas").first.bounding_box()
    assert box["width"] >= 150
    screenshot(f"contract_chart_cic_{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # No CSP violation, no script error; a 404 only for the favicon, which is not ours.
    assert [url for url in missing if not url.endswith("/favicon.ico")] == []
    assert [e for e in errors if "status of 404" not in e] == []
