"""The Content-Security-Policy in a real browser: the main pages of both sides load, open their
HTMX parts, and Chromium reports no CSP violation and no script error."""

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import login_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _collect_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A missing resource is reported by URL (the console line does not name it).
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    return errors


def _problems(errors: list[str]) -> list[str]:
    return [e for e in errors if not e.startswith("Failed to load resource")]


def _visit(page, path: str) -> None:
    page.goto(page.base_url + path)
    page.wait_for_load_state("networkidle")


def test_agent_pages_run_under_the_csp_without_violations(page, screenshot):
    queue = factories.QueueFactory()
    agent = factories.AgentFactory(username="csp-agent")
    factories.TeamFactory(members=[agent], queues=[queue])
    customer = factories.CustomerFactory(customer_id="CSP1", name="Policy GmbH")
    customer_user = factories.CustomerUserFactory(customer=customer, login="csp.user")
    ticket = factories.TicketFactory(queue=queue, customer_user=customer_user, state="open")
    errors = _collect_errors(page)

    login_in_browser(page, "login", "csp-agent")
    for path in (
        reverse("dashboards:home"),
        reverse("tickets:list"),
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:new-phone"),
        reverse("dashboards:cic-customer", args=[customer.customer_id]),
        reverse("dashboards:cuic-user", args=[customer_user.login]),
        reverse("customers:list"),
        reverse("customers:settings", args=[customer.customer_id]),
    ):
        _visit(page, path)
    screenshot("security-csp-customer-settings")

    assert [e for e in errors if "Content Security Policy" in e] == []
    assert _problems(errors) == []


def test_portal_pages_run_under_the_csp_without_violations(page):
    portal_user = factories.PortalUserFactory(login="csp-portal")
    ticket = factories.TicketFactory(customer_user=portal_user, state="open")
    errors = _collect_errors(page)

    login_in_browser(page, "portal:login", "csp-portal")
    for path in (
        reverse("portal:home"),
        reverse("portal:new"),
        reverse("portal:closed"),
        reverse("portal:detail", args=[ticket.number]),
        reverse("portal:password"),
    ):
        _visit(page, path)

    assert [e for e in errors if "Content Security Policy" in e] == []
    assert _problems(errors) == []
