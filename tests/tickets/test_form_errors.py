"""One convention for form errors: 422 with the form and its errors, with DEBUG on and off.

django-htmx's debug script replaces the whole document on a 400 answer to an htmx request,
so a form error must never answer 400; static/js/app.js swaps 422 like a 200.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import login_in_browser

HX = {"HX-Request": "true"}


def _past() -> str:
    return timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def _form_errors(queue):
    ticket = factories.TicketFactory(queue=queue, state="open")
    return [
        ("tickets:reply", [ticket.number], {"body": "   "}),
        ("tickets:note", [ticket.number], {"body": ""}),
        ("tickets:set-state", [ticket.number], {"state": "pending", "pending_until": _past()}),
        ("tickets:add-time", [ticket.number], {"minutes": "ten"}),
        ("tickets:new-phone", [], {"title": ""}),
        ("tickets:preferences", [], {"language": "xx"}),
        ("dashboards:preferences", ["cic"], {"widget": "settings", "close": "1"}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_htmx_form_errors_answer_422_with_debug_on_and_off(settings, agent_client, queue, debug):
    settings.DEBUG = debug

    statuses = [
        agent_client.post(reverse(name, args=args), data, headers=HX).status_code
        for name, args, data in _form_errors(queue)
    ]

    assert statuses == [422] * 7


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_search_dialog_error_answers_422(settings, agent_client, debug):
    settings.DEBUG = debug

    response = agent_client.get(
        reverse("dashboards:search"),
        {"q": "acme", "kind": "tickets", "dashboard": "cic"},
        headers=HX,
    )

    assert response.status_code == 422


@pytest.mark.django_db
def test_past_pending_time_answers_the_state_form_retargeted(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue, state="open")

    response = agent_client.post(
        reverse("tickets:set-state", args=[ticket.number]),
        {"state": "pending", "pending_until": _past()},
        headers=HX,
    )

    assert (response.status_code, response["HX-Retarget"], response["HX-Reswap"]) == (
        422,
        "#action-state",
        "outerHTML",
    )
    assert "The pending time must be in the future." in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_past_pending_time_keeps_the_zoom_styled_under_debug(settings, page, screenshot):
    settings.DEBUG = True  # loads django-htmx's debug script, which takes over 400 answers
    queue = factories.QueueFactory()
    agent = factories.AgentFactory()
    factories.TeamFactory(members=[agent], queues=[queue])
    ticket = factories.TicketFactory(queue=queue, state="open")
    login_in_browser(page, "login", agent.username)
    page.goto(page.base_url + reverse("tickets:detail", args=[ticket.number]))

    page.click("button[data-bs-target='#tab-state']")
    page.select_option("#action-state select[name=state]", "pending")
    page.fill("#action-state input[name=pending_until]", _past())
    page.click("[data-action=set-state]")
    page.wait_for_selector("#action-state >> text=The pending time must be in the future.")
    assert page.locator("nav.navbar").count() == 1
    assert page.locator("#ticket-zoom").count() == 1
    assert page.locator("link[rel=stylesheet][href*='css/app.css']").count() == 1
    assert page.locator("link[rel=stylesheet][href*='vendor/bootstrap/css']").count() == 1
    screenshot("form-errors-pending-debug")
