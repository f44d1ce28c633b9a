"""Export CSV from the ticket search in a real browser: the link follows the filters."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.conftest import login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_export_link_follows_the_search_and_downloads_its_rows(
    page, screenshot, width, height, agent, queue
):
    page.set_viewport_size({"width": width, "height": height})
    printer = factories.TicketFactory(queue=queue, title="Printer jammed")
    factories.TicketFactory(queue=queue, title="VPN down")
    login_in_browser(page, "login", agent.username)

    page.goto(page.base_url + reverse("tickets:list"))
    page.fill("#id_q", "printer")
    page.press("#id_q", "Enter")
    expect(page.locator("[data-ticket]")).to_have_count(1)
    link = page.locator('[data-export="csv"]')
    expect(link).to_have_attribute("href", re.compile(rf"^{reverse('tickets:export')}\?q=printer&"))
    screenshot(f"ticket_search_export_{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    with page.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert printer.number in text
    assert "VPN down" not in text
