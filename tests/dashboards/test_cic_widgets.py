"""Widgets of the Customer Information Center, through HTTP."""

import re
from datetime import timedelta
from html import unescape as html_unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

from .helpers import HX, active_tab, markers, number_at, row_count_in, tab_count, widget_url

pytestmark = pytest.mark.django_db

# Every seed status once, with what the widgets must make of it (DESIGN §5).
OPEN_STATES = ["new", "open", "in_progress", "declined", "pending", "pending_auto_close"]
CLOSED_STATES = ["resolved", "closed_with_backout", "cancelled"]
NEITHER_STATES = ["merged", "removed"]


def get(client, widget, customer_id="ACME", htmx=True, **params):
    response = client.get(
        widget_url("cic", customer_id, widget), params, headers=HX if htmx else {}
    )
    assert response.status_code == 200, response.content
    return response.content.decode()


def seed(queue, customer, customer_user=None):
    """One ticket per seed status, numbered by status, in `queue`."""
    customer_user = customer_user or factories.CustomerUserFactory(customer=customer)
    tickets = {}
    for name in OPEN_STATES + CLOSED_STATES + NEITHER_STATES:
        tickets[name] = factories.TicketFactory(
            number=f"T-{name}",
            state=name,
            queue=queue,
            customer=customer,
            customer_user=customer_user,
        )
    return tickets


# --- customer-users ---------------------------------------------------------------------------


def test_customer_users_lists_active_primary_and_member_users(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    other = factories.CustomerFactory(customer_id="OTHER")
    factories.CustomerUserFactory(login="primary", customer=acme, last_name="Alpha")
    factories.CustomerUserFactory(
        login="member", customer=other, customers=[acme], last_name="Beta"
    )
    factories.CustomerUserFactory(login="gone", customer=acme, is_active=False)
    factories.CustomerUserFactory(login="stranger", customer=other)

    html = get(agent_client, "customer-users")

    assert markers(html, "customer-user") == ["primary", "member"]


def test_customer_users_counts_open_and_closed_by_category(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    jane = factories.CustomerUserFactory(login="jane", customer=acme)
    seed(queue, acme, jane)

    html = get(agent_client, "customer-users")

    # open = new/open-type/pending types (declined and pending included); closed = resolved and
    # closed types (closed_with_backout included); merged and removed count in neither.
    assert row_count_in(html, "customer-user", "jane", "open") == len(OPEN_STATES)
    assert row_count_in(html, "customer-user", "jane", "closed") == len(CLOSED_STATES)


def test_customer_users_counts_stop_at_the_row_cap(agent_client, queue, monkeypatch):
    monkeypatch.setattr("dashboards.selectors.ROW_COUNT_CAP", 2)
    acme = factories.CustomerFactory(customer_id="ACME")
    jane = factories.CustomerUserFactory(login="jane", customer=acme)
    john = factories.CustomerUserFactory(login="john", customer=acme)
    for _ in range(3):
        factories.TicketFactory(queue=queue, customer=acme, customer_user=jane, state="open")
    for _ in range(2):
        factories.TicketFactory(queue=queue, customer=acme, customer_user=john, state="closed")

    html = get(agent_client, "customer-users")

    jane_row = re.search(r'data-customer-user="jane".*?</tr>', html, re.S).group(0)
    assert re.search(r'data-count="open"[^>]*>2\+<', jane_row)
    assert row_count_in(html, "customer-user", "jane", "closed") == 0
    assert row_count_in(html, "customer-user", "john", "closed") == 2


def test_customer_users_counts_link_to_ticket_search(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    factories.CustomerUserFactory(login="j.doe@x (1)", customer=acme)

    html = get(agent_client, "customer-users")

    base = reverse("tickets:list")
    assert f'href="{base}?customer_user=j.doe%40x+%281%29&amp;category=open"' in html
    assert f'href="{base}?customer_user=j.doe%40x+%281%29&amp;category=closed"' in html
    assert f'href="{reverse("tickets:new-phone")}?customer_user=j.doe%40x%20%281%29"' in html
    assert f'href="{reverse("tickets:new-email")}?customer_user=j.doe%40x%20%281%29"' in html
    assert f'href="{reverse("dashboards:cuic-user", args=["j.doe@x (1)"])}"' in html


def test_customer_users_counts_only_tickets_the_agent_may_see(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    jane = factories.CustomerUserFactory(login="jane", customer=acme)
    factories.TicketFactory(state="open", queue=queue, customer_user=jane)
    factories.TicketFactory(state="open", customer_user=jane)  # another team's queue

    html = get(agent_client, "customer-users")

    assert row_count_in(html, "customer-user", "jane", "open") == 1


def test_customer_users_paginates_with_the_page_size(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    for n in range(7):
        factories.CustomerUserFactory(login=f"u{n}", customer=acme, last_name=f"L{n}")

    first = get(agent_client, "customer-users", page_size=5)
    second = get(agent_client, "customer-users", page_size=5, page=2)

    assert markers(first, "customer-user") == ["u0", "u1", "u2", "u3", "u4"]
    assert markers(second, "customer-user") == ["u5", "u6"]


def test_customer_users_add_button_only_with_the_customer_permission(client, agent):
    factories.CustomerFactory(customer_id="ACME")
    client.force_login(agent)

    html = get(client, "customer-users")

    assert 'data-action="add-customer-user"' not in html


# --- ticket widgets ---------------------------------------------------------------------------


def test_open_tickets_shows_open_type_states_only(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    seed(queue, acme)

    html = get(agent_client, "open-tickets")

    # declined is an open-type state; pending counts as open elsewhere but is not in the widget
    assert sorted(markers(html, "ticket")) == ["T-declined", "T-in_progress", "T-open"]
    assert tab_count(html, "all") == 3


def test_new_tickets_shows_new_state_only(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    seed(queue, acme)

    html = get(agent_client, "new-tickets")

    assert markers(html, "ticket") == ["T-new"]


def test_ticket_widgets_show_only_this_customers_tickets(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    other = factories.CustomerFactory(customer_id="OTHER")
    # A user of ACME who opened a ticket for OTHER: the ticket belongs to OTHER.
    jane = factories.CustomerUserFactory(customer=acme, customers=[other])
    factories.TicketFactory(number="MINE", state="new", queue=queue, customer_user=jane)
    factories.TicketFactory(
        number="THEIRS", state="new", queue=queue, customer_user=jane, customer=other
    )

    html = get(agent_client, "new-tickets")

    assert markers(html, "ticket") == ["MINE"]


def test_reminder_tickets_reached_or_within_the_window_soonest_first(agent, agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    now = timezone.now()
    for number, delta in [("LATER", 30), ("PAST", -120), ("FAR", 180)]:
        factories.TicketFactory(
            number=number,
            state="pending",
            queue=queue,
            customer=acme,
            customer_user=factories.CustomerUserFactory(customer=acme),
            pending_until=now + timedelta(minutes=delta),
            is_locked=True,
            owner=agent,
        )
    factories.TicketFactory(
        number="AUTO",
        state="pending_auto_close",
        queue=queue,
        customer=acme,
        pending_until=now - timedelta(hours=1),
        is_locked=True,
        owner=agent,
    )

    html = get(agent_client, "reminder-tickets")

    assert markers(html, "ticket") == ["PAST", "LATER"]
    assert "due-overdue" in html
    assert "due-warning" in html


def test_reminder_default_tab_is_my_locked_others_all(agent, agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    now = timezone.now()
    factories.TicketFactory(
        number="MINE",
        state="pending",
        queue=queue,
        customer=acme,
        pending_until=now,
        is_locked=True,
        owner=agent,
    )
    factories.TicketFactory(
        number="FREE", state="pending", queue=queue, customer=acme, pending_until=now
    )

    reminder = get(agent_client, "reminder-tickets")
    new = get(agent_client, "new-tickets")

    assert active_tab(reminder, ["locked", "my-queues", "all"]) == ["locked"]
    assert markers(reminder, "ticket") == ["MINE"]
    assert active_tab(new, ["locked", "my-queues", "all"]) == ["all"]


def test_escalated_tickets_most_overdue_first(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    now = timezone.now()
    for number, minutes in [("A", -10), ("B", -300), ("C", 60)]:
        factories.TicketFactory(
            number=number,
            state="open",
            queue=queue,
            customer=acme,
            escalation_due=now + timedelta(minutes=minutes),
        )

    html = get(agent_client, "escalated-tickets")

    assert markers(html, "ticket") == ["B", "A"]


def test_filter_tabs_count_and_filter_locked_my_queues_all(agent, agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    mine_queue = factories.QueueFactory()
    factories.TeamFactory(members=[agent], queues=[mine_queue])
    factories.AgentPreferencesFactory(user=agent, my_queues=[mine_queue])
    someone = factories.AgentFactory()
    factories.TicketFactory(
        number="LOCKED", state="open", queue=queue, customer=acme, is_locked=True, owner=agent
    )
    factories.TicketFactory(
        number="OTHERS-LOCK",
        state="open",
        queue=queue,
        customer=acme,
        is_locked=True,
        owner=someone,
    )
    factories.TicketFactory(number="MYQ", state="open", queue=mine_queue, customer=acme)
    factories.TicketFactory(number="PLAIN", state="open", queue=queue, customer=acme)

    locked = get(agent_client, "open-tickets", filter="locked")
    my_queues = get(agent_client, "open-tickets", filter="my-queues")
    everything = get(agent_client, "open-tickets", filter="all")

    for html in (locked, my_queues, everything):
        assert (
            tab_count(html, "locked"),
            tab_count(html, "my-queues"),
            tab_count(html, "all"),
        ) == (1, 1, 4)
    assert markers(locked, "ticket") == ["LOCKED"]
    assert markers(my_queues, "ticket") == ["MYQ"]
    assert sorted(markers(everything, "ticket")) == ["LOCKED", "MYQ", "OTHERS-LOCK", "PLAIN"]


def test_my_queues_with_no_queue_chosen_shows_no_tickets(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    factories.TicketFactory(state="open", queue=queue, customer=acme)

    html = get(agent_client, "open-tickets", filter="my-queues")

    assert tab_count(html, "my-queues") == 0
    assert markers(html, "ticket") == []


def test_ticket_rows_link_to_the_zoom(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    factories.TicketFactory(number="2026112310000012", state="new", queue=queue, customer=acme)

    html = get(agent_client, "new-tickets")

    assert f'href="{reverse("tickets:detail", args=["2026112310000012"])}"' in html


def test_ticket_widget_paging(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    now = timezone.now()
    for n in range(7):
        factories.TicketFactory(
            number=f"N{n}",
            state="new",
            queue=queue,
            customer=acme,
            created_at=now - timedelta(hours=n),
        )

    first = get(agent_client, "new-tickets", page_size=5)
    second = get(agent_client, "new-tickets", page_size=5, page=2)
    beyond = get(agent_client, "new-tickets", page_size=5, page=9)

    assert markers(first, "ticket") == ["N0", "N1", "N2", "N3", "N4"]
    assert markers(second, "ticket") == ["N5", "N6"]
    assert markers(beyond, "ticket") == ["N5", "N6"]
    assert "6–7 of 7" in second


@pytest.mark.parametrize(
    "params",
    [{"filter": "bogus"}, {"page_size": "7"}, {"page": "x"}, {"page": "0"}, {"scope": "assigned"}],
)
def test_ticket_widget_bad_parameters_are_a_clear_400(agent_client, params):
    factories.CustomerFactory(customer_id="ACME")

    response = agent_client.get(widget_url("cic", "ACME", "new-tickets"), params, headers=HX)

    assert response.status_code == 422
    assert b"data-error" in response.content


# --- company-status and customer-information --------------------------------------------------


def test_company_status_counts_and_states(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    tickets = seed(queue, acme)
    tickets["open"].escalation_due = timezone.now() - timedelta(minutes=5)
    tickets["open"].save()
    factories.TicketFactory(state="open")  # another customer

    html = get(agent_client, "company-status")

    assert number_at(html, "count", "escalated") == 1
    assert number_at(html, "count", "open") == len(OPEN_STATES)
    assert number_at(html, "count", "closed") == len(CLOSED_STATES)
    assert number_at(html, "count", "all") == len(OPEN_STATES + CLOSED_STATES + NEITHER_STATES)
    states = OPEN_STATES + CLOSED_STATES + NEITHER_STATES
    assert sorted(markers(html, "state")) == sorted(states)
    assert all(number_at(html, "state", name) == 1 for name in states)
    assert f'href="{reverse("tickets:list")}?customer=ACME&amp;category=closed"' in html


def test_company_status_counts_stop_at_the_cap_and_totals_say_at_least(
    agent_client, queue, monkeypatch
):
    monkeypatch.setattr("dashboards.selectors.ROW_COUNT_CAP", 2)
    acme = factories.CustomerFactory(customer_id="ACME")
    for name, n in (("open", 3), ("new", 1), ("closed", 2)):
        for _ in range(n):
            factories.TicketFactory(
                queue=queue,
                customer=acme,
                state=name,
                escalation_due=timezone.now() - timedelta(minutes=1),
            )

    html = get(agent_client, "company-status")

    def text_at(kind, key):
        return re.search(rf'data-{kind}="{key}"[^>]*>([^<]*)<', html).group(1)

    assert (text_at("state", "open"), text_at("state", "new")) == ("2+", "1")
    assert text_at("state", "closed") == "2"
    assert text_at("count", "escalated") == "2+"
    assert (text_at("count", "open"), text_at("count", "closed")) == ("3+", "2")
    assert text_at("count", "all") == "5+"


def test_customer_information_shows_fields_and_active_contracts(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme Corp", phone="+49 1")
    contract = factories.ContractFactory(
        customer=acme, description="Gold support", has_hour_restriction=True, contract_hours=10
    )
    ticket = factories.TicketFactory(customer=acme, contract=contract)
    factories.TimeEntryFactory(ticket=ticket, minutes=90)
    factories.ContractFactory(customer=acme, description="Old deal", is_active=False)

    html = get(agent_client, "customer-information")

    assert "Acme Corp" in html
    assert "+49 1" in html
    assert markers(html, "contract") == [str(contract.pk)]
    assert "1.50 / 10.00 h used" in html


# --- who sees what ------------------------------------------------------------------------------


def test_agent_outside_the_team_sees_no_tickets_and_zero_counts(client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    jane = factories.CustomerUserFactory(login="jane", customer=acme)
    seed(queue, acme, jane)
    outsider = factories.AgentFactory()
    factories.TeamFactory(members=[outsider], queues=[factories.QueueFactory()])
    client.force_login(outsider)

    assert markers(get(client, "open-tickets"), "ticket") == []
    assert markers(get(client, "new-tickets", filter="all"), "ticket") == []
    status = get(client, "company-status")
    assert number_at(status, "count", "all") == 0
    assert markers(status, "state") == []
    users = get(client, "customer-users")
    assert row_count_in(users, "customer-user", "jane", "open") == 0
    assert row_count_in(users, "customer-user", "jane", "closed") == 0


def test_superuser_sees_every_queue(client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    seed(queue, acme)
    client.force_login(factories.AdminFactory())

    html = get(client, "company-status")

    assert number_at(html, "count", "open") == len(OPEN_STATES)


def test_widget_without_htmx_renders_a_page_with_the_widget(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    factories.TicketFactory(number="N1", state="new", queue=queue, customer=acme)

    html = get(agent_client, "new-tickets", htmx=False)

    assert "<html" in html
    assert markers(html, "widget") == ["new-tickets"]
    assert markers(html, "ticket") == ["N1"]


def test_widget_unknown_customer_widget_or_dashboard_is_404(agent_client):
    factories.CustomerFactory(customer_id="ACME")

    assert agent_client.get(widget_url("cic", "NOPE", "new-tickets")).status_code == 404
    assert agent_client.get(widget_url("cic", "ACME", "nope")).status_code == 404
    assert agent_client.get(widget_url("xyz", "ACME", "new-tickets")).status_code == 404
    # a CUIC-only widget on the CIC
    assert agent_client.get(widget_url("cic", "ACME", "customer-ids")).status_code == 404


def test_widget_anonymous_and_portal_user_are_turned_away(client, portal_user):
    url = widget_url("cic", portal_user.customer.customer_id, "new-tickets")

    anonymous = client.get(url, headers=HX)
    client.force_login(portal_user.user)
    portal = client.get(url, headers=HX)

    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    assert portal.status_code == 302
    assert portal.url == reverse("portal:home")


def links(html: str, name: str) -> dict[str, str]:
    """`data-NAME` value → the href of the link carrying the marker (or its first span)."""
    found = re.findall(rf'href="([^"]+)"(?:[^>]*>\s*<span)?[^>]*data-{name}="([^"]+)"', html)
    return {value: html_unescape(href) for href, value in found}


def test_count_links_open_a_ticket_search_with_the_same_numbers(agent_client, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    jane = factories.CustomerUserFactory(login="jane", customer=acme)
    tickets = seed(queue, acme, jane)
    tickets["open"].escalation_due = timezone.now() - timedelta(minutes=5)
    tickets["open"].save()
    users = get(agent_client, "customer-users")
    status = get(agent_client, "company-status")
    checks = [
        (users, "count", links(users, "count")),
        (status, "count", links(status, "count")),
        (status, "state", links(status, "state")),
    ]

    for html, name, hrefs in checks:
        for value, href in hrefs.items():
            listed = agent_client.get(href).content.decode()
            assert len(markers(listed, "ticket")) == number_at(html, name, value), href
    assert [len(hrefs) for _, _, hrefs in checks] == [2, 4, 11]


def test_customer_information_links_to_the_customer_settings(agent_client):
    factories.CustomerFactory(customer_id="ACME")

    html = get(agent_client, "customer-information")

    assert f'href="{reverse("customers:settings", args=["ACME"])}"' in html
