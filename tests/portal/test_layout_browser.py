"""Portal layout at a desktop width and on a phone: lists fit, the login card is centred."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import login_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
OVERFLOW = "el => el.scrollWidth - el.clientWidth"


def _power_user_with_requests():
    customer = factories.CustomerFactory(name="Acme Corporation")
    power = factories.PortalUserFactory(customer=customer, is_power_user=True, login="pia")
    workplace = factories.ServiceFactory(name="Workplace equipment and peripherals")
    printer = factories.ServiceFactory(name="Printers and multifunction devices", parent=workplace)
    for i in range(3):
        caller = factories.PortalUserFactory(
            customer=customer, first_name="Maximiliane", last_name=f"Schneider-Wohlgemuth {i}"
        )
        for state in ("open", "closed"):
            ticket = factories.TicketFactory(
                customer_user=caller,
                customer=customer,
                state=state,
                service=printer,
                title="The printer on the second floor stops after one page with error E-17",
            )
            if state == "closed":
                type(ticket).objects.filter(pk=ticket.pk).update(closed_at=timezone.now())
    return power


def test_power_users_lists_fit_at_desktop_width(page, screenshot):
    _power_user_with_requests()
    page.set_viewport_size(DESKTOP)
    login_in_browser(page, "portal:login", "pia")

    for name in ("portal:home", "portal:closed"):
        page.goto(page.base_url + reverse(name))
        page.wait_for_selector("[data-caller]")
        screenshot(f"portal-layout-{name.split(':')[1]}-1440")
        tables = page.locator(".table-responsive")
        assert [tables.nth(i).evaluate(OVERFLOW) for i in range(tables.count())] == [0] * (
            tables.count()
        )
        page.set_viewport_size(PHONE)
        screenshot(f"portal-layout-{name.split(':')[1]}-390")
        page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE])
def test_portal_login_card_is_centred(page, screenshot, viewport):
    page.set_viewport_size(viewport)
    page.goto(page.base_url + reverse("portal:login"))

    box = page.locator("form").first.evaluate(
        "el => { const r = el.closest('.card').getBoundingClientRect();"
        " return [r.left, document.documentElement.clientWidth - r.right]; }"
    )
    screenshot(f"portal-login-{viewport['width']}")

    assert abs(box[0] - box[1]) <= 1
