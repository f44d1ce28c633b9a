"""One-time form keys: every form that writes (reply, note, state, time, phone and email ticket,
portal update, reopen and close) does its work once when it is sent twice with its key (a
double click, a browser retry, a retry after a timeout), and both answers are the same
success. Without a key a form still works; a malformed key is a form error."""

import re
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import Submission
from tests import factories
from tests.contracts.helpers import contract_ticket, hour_contract
from tickets.models import Article, Ticket, TicketEvent, TimeEntry

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def keys_in(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="key" value="([^"]+)"', html)


def twice(client, url: str, data: dict, htmx: bool = False):
    headers = HX if htmx else {}
    first = client.post(url, data, headers=headers)
    second = client.post(url, data, headers=headers)
    return first, second


def same_answer(first, second) -> bool:
    """The same status, the same redirect or toast: a repeat answers like the first."""
    fields = ("Location", "HX-Trigger", "HX-Redirect")
    return (first.status_code, *(first.get(f) for f in fields)) == (
        second.status_code,
        *(second.get(f) for f in fields),
    )


@pytest.fixture
def ticket(queue):
    return factories.TicketFactory(queue=queue, state="open", title="Printer jammed")


# --- the forms carry a fresh key ----------------------------------------------------------------


def test_every_form_of_the_zoom_carries_its_own_key_and_a_saved_action_renews_them(
    agent_client, ticket
):
    zoom = agent_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    after = agent_client.post(
        reverse("tickets:note", args=[ticket.number]),
        {"body": "Checked", "key": keys_in(zoom)[1]},
        headers=HX,
    ).content.decode()

    assert len(keys_in(zoom)) == len(set(keys_in(zoom))) == 4  # reply, note, state, time
    assert len(keys_in(after)) == 4
    assert set(keys_in(after)).isdisjoint(keys_in(zoom))


@pytest.mark.parametrize("url_name", ["tickets:new-phone", "tickets:new-email"])
def test_the_new_ticket_form_carries_a_key(agent_client, url_name):
    html = agent_client.get(reverse(url_name)).content.decode()

    assert len(keys_in(html)) == 1
    uuid.UUID(keys_in(html)[0])


def test_the_portal_request_forms_carry_keys(portal_client, portal_user):
    open_request = factories.TicketFactory(customer_user=portal_user, state="open")
    resolved = factories.TicketFactory(customer_user=portal_user, state="resolved")

    update = portal_client.get(reverse("portal:detail", args=[open_request.number]))
    answer = portal_client.get(reverse("portal:detail", args=[resolved.number]))

    assert len(keys_in(update.content.decode())) == 1
    assert len(set(keys_in(answer.content.decode()))) == 2  # reopen and close


# --- agent actions -----------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("tickets:reply", {"body": "We are on it."}),
        ("tickets:note", {"body": "Called the printer vendor."}),
        ("tickets:note", {"body": "Customer called back.", "kind": "phone"}),
    ],
)
def test_an_article_sent_twice_with_its_key_is_added_once(agent_client, ticket, action, data, htmx):
    url = reverse(action, args=[ticket.number])

    first, second = twice(agent_client, url, {**data, "key": str(uuid.uuid4())}, htmx)

    assert first.status_code == (200 if htmx else 302)
    assert same_answer(first, second)
    assert ticket.articles.count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, action="article").count() == 1


@pytest.mark.parametrize("htmx", [True, False])
def test_a_state_change_sent_twice_with_its_key_is_made_once(agent_client, ticket, htmx):
    until = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"state": "pending", "pending_until": until, "key": str(uuid.uuid4())}

    first, second = twice(
        agent_client, reverse("tickets:set-state", args=[ticket.number]), data, htmx
    )

    ticket.refresh_from_db()
    assert first.status_code == (200 if htmx else 302)
    assert same_answer(first, second)
    assert ticket.state.name == "pending"
    events = TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True)
    assert sorted(events) == ["pending_until", "state"]


@pytest.mark.parametrize("htmx", [True, False])
def test_time_sent_twice_with_its_key_is_booked_once(agent_client, agent, queue, htmx):
    contract = hour_contract(hours=10, threshold=8)
    ticket = contract_ticket(contract, queue=queue, state="open")
    data = {"minutes": "45", "note": "Remote session", "key": str(uuid.uuid4())}

    first, second = twice(
        agent_client, reverse("tickets:add-time", args=[ticket.number]), data, htmx
    )

    contract.refresh_from_db()
    assert first.status_code == (200 if htmx else 302)
    assert same_answer(first, second)
    assert list(TimeEntry.objects.values_list("minutes", flat=True)) == [45]
    assert contract.minutes_used == 45


def test_time_refused_for_overage_keeps_its_key_usable_for_the_accepted_retry(agent_client, queue):
    """The prompt saved nothing, so the claim was rolled back with it: accepting with the
    same key books the time, and sending that again books nothing more."""
    contract = hour_contract(hours=1, threshold=None)
    ticket = contract_ticket(contract, queue=queue, state="open")
    factories.TimeEntryFactory(ticket=ticket, minutes=60)
    url = reverse("tickets:add-time", args=[ticket.number])
    key = str(uuid.uuid4())

    prompt = agent_client.post(url, {"minutes": "30", "key": key}, headers=HX)
    accepted, again = twice(
        agent_client, url, {"minutes": "30", "accept_overage": "on", "key": key}, htmx=True
    )

    assert b'data-prompt="overage"' in prompt.content
    assert keys_in(prompt.content.decode()) == [key]
    assert (accepted.status_code, same_answer(accepted, again)) == (200, True)
    assert sorted(TimeEntry.objects.values_list("minutes", flat=True)) == [30, 60]


def test_the_same_key_on_another_ticket_is_another_submission(agent_client, queue):
    tickets = [factories.TicketFactory(queue=queue, state="open") for _ in range(2)]
    key = str(uuid.uuid4())

    for ticket in tickets:
        agent_client.post(reverse("tickets:note", args=[ticket.number]), {"body": "x", "key": key})

    assert [t.articles.count() for t in tickets] == [1, 1]


def test_a_form_without_a_key_still_works_without_protection(agent_client, ticket):
    url = reverse("tickets:note", args=[ticket.number])

    first, second = twice(agent_client, url, {"body": "Old client"})

    assert (first.status_code, second.status_code) == (302, 302)
    assert ticket.articles.count() == 2
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("key", ["not-a-key", "1234", "' OR 1=1 --"])
def test_a_malformed_key_is_a_form_error_and_saves_nothing(agent_client, ticket, key):
    response = agent_client.post(
        reverse("tickets:note", args=[ticket.number]), {"body": "x", "key": key}, headers=HX
    )

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#action-note"
    assert "This form is damaged; please reload the page and submit it again." in (
        response.content.decode()
    )
    assert ticket.articles.count() == 0


def test_a_failed_action_leaves_its_key_unused(agent_client, queue):
    """Reply is refused without a customer user; the key is not spent."""
    ticket = factories.TicketFactory(queue=queue, state="open", customer_user=None, customer=None)
    key = str(uuid.uuid4())

    refused = agent_client.post(
        reverse("tickets:reply", args=[ticket.number]), {"body": "Hello", "key": key}
    )

    assert refused.status_code == 422
    assert keys_in(refused.content.decode())[0] == key
    assert Submission.objects.count() == 0


# --- new tickets -------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["tickets:new-phone", "tickets:new-email"])
def test_a_new_ticket_sent_twice_with_its_key_is_created_once(agent_client, queue, url_name):
    contact = factories.CustomerUserFactory()
    data = {
        "customer": contact.customer.customer_id,
        "customer_user": contact.login,
        "title": "Laptop does not boot",
        "body": "Black screen.",
        "queue": queue.pk,
        "state": "new",
        "priority": "3",
        "key": str(uuid.uuid4()),
    }

    first, second = twice(agent_client, reverse(url_name), data)

    ticket = Ticket.objects.get()
    assert first.status_code == 302
    assert (
        first["Location"] == second["Location"] == reverse("tickets:detail", args=[ticket.number])
    )
    assert Article.objects.count() == 1


# --- portal --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "state", "data", "after"),
    [
        ("portal:update", "open", {"comment": "It happened again."}, "open"),
        ("portal:reopen", "resolved", {"comment": "Still broken."}, "open"),
        ("portal:close", "resolved", {"satisfaction": "1", "comment": "Thanks"}, "closed"),
    ],
)
def test_a_portal_answer_sent_twice_with_its_key_is_saved_once(
    portal_client, portal_user, action, state, data, after
):
    ticket = factories.TicketFactory(customer_user=portal_user, state=state)
    url = reverse(action, args=[ticket.number])

    first, second = twice(portal_client, url, {**data, "key": str(uuid.uuid4())})

    ticket.refresh_from_db()
    assert first.status_code == 302
    assert same_answer(first, second)
    assert first["Location"] == reverse("portal:detail", args=[ticket.number])
    assert ticket.state.name == after
    assert ticket.articles.count() == (0 if action == "portal:close" else 1)
    assert TicketEvent.objects.filter(ticket=ticket, action="state").count() == (
        0 if action == "portal:update" else 1
    )


def test_a_repeated_close_after_a_timeout_answers_success_not_a_conflict(
    portal_client, portal_user
):
    ticket = factories.TicketFactory(customer_user=portal_user, state="resolved")
    data = {"satisfaction": "2", "key": str(uuid.uuid4())}
    portal_client.post(reverse("portal:close", args=[ticket.number]), data)

    retry = portal_client.post(reverse("portal:close", args=[ticket.number]), data, follow=True)
    fresh = portal_client.post(
        reverse("portal:close", args=[ticket.number]), {**data, "key": str(uuid.uuid4())}
    )

    assert retry.redirect_chain == [(reverse("portal:detail", args=[ticket.number]), 302)]
    assert "Thank you for your feedback. The request is closed." in retry.content.decode()
    assert fresh.status_code == 409  # a new close of a closed request is still refused


# --- concurrency ----------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submits_of_one_key_book_the_time_once():
    """Four requests with one key at the same moment (own connections): the later ones wait
    on the unique index for the first, then answer its result."""
    queue = factories.QueueFactory()
    agent = factories.AgentFactory()
    factories.TeamFactory(members=[agent], queues=[queue])
    ticket = factories.TicketFactory(queue=queue, state="open")
    url = reverse("tickets:add-time", args=[ticket.number])
    data = {"minutes": "15", "key": str(uuid.uuid4())}
    barrier = threading.Barrier(4)
    answers, errors = [], []

    def submit():
        try:
            client = Client()
            client.force_login(agent)
            barrier.wait(timeout=10)
            response = client.post(url, data, headers=HX)
            answers.append((response.status_code, response["HX-Trigger"]))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert answers == [(200, '{"showMessage": "15 minutes added."}')] * 4
    assert TimeEntry.objects.count() == 1
