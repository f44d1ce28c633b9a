"""The CUIC sidebar at a desktop width and on a phone: a long email address and a customer
without contracts."""

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import login_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(
    "viewport", [{"width": 1440, "height": 900}, {"width": 390, "height": 844}]
)
def test_cuic_sidebar_email_and_empty_contracts(page, screenshot, viewport):
    agent = factories.AgentFactory()
    customer = factories.CustomerFactory(customer_id="MUELLER")
    factories.CustomerUserFactory(
        login="maxi",
        customer=customer,
        email="maximiliane.schneider-wohlgemuth@mueller-logistik.de",
    )
    page.set_viewport_size(viewport)
    login_in_browser(page, "login", agent.username)

    page.goto(page.base_url + reverse("dashboards:cuic-user", args=["maxi"]))
    page.wait_for_selector("[data-empty=contracts]")
    page.wait_for_selector("[data-email]")
    screenshot(f"cuic-sidebar-{viewport['width']}")
    padding = page.locator("[data-empty=contracts]").evaluate(
        "el => getComputedStyle(el).paddingLeft"
    )

    assert padding == "14.4px"
