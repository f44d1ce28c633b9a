"""The agent dashboard (`dashboards:home`, dashboard key `agent`), through HTTP."""

import io
import re
from datetime import datetime, timedelta
from html import unescape as html_unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dashboards import selectors
from dashboards.models import DashboardPreference
from tests import factories

from .helpers import HX, active_tab, markers, number_at, tab_count, widget_url

pytestmark = pytest.mark.django_db

MAIN = ["queue-overview", "reminder-tickets", "escalated-tickets", "new-tickets", "open-tickets"]
SIDEBAR = ["settings", "ticket-stats"]
OPEN_STATES = ["new", "open", "in_progress", "declined", "pending", "pending_auto_close"]
OTHER_STATES = ["resolved", "closed", "cancelled", "merged", "removed"]


def get(client, widget, htmx=True, **params):
    response = client.get(widget_url("agent", "-", widget), params, headers=HX if htmx else {})
    assert response.status_code == 200, response.content
    return response.content.decode()


def home(client) -> str:
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    return response.content.decode()


def seed(queue, prefix="T"):
    """One ticket per state in `queue`, for two customers and one ticket without a customer."""
    acme = factories.CustomerFactory()
    other = factories.CustomerFactory()
    tickets = {}
    for n, name in enumerate(OPEN_STATES + OTHER_STATES):
        tickets[name] = factories.TicketFactory(
            number=f"{prefix}-{name}",
            state=name,
            queue=queue,
            customer=acme if n % 2 else other,
        )
    return tickets


# --- the page -----------------------------------------------------------------------------------


def test_home_renders_every_default_widget_with_its_body(agent_client):
    html = home(agent_client)

    assert markers(html, "widget") == MAIN + SIDEBAR
    # The first paint holds every body: HTMX only refreshes them.
    assert markers(html, "widget-body") == MAIN + SIDEBAR
    assert 'hx-trigger="load' not in html
    assert f'hx-get="{widget_url("agent", "-", "new-tickets")}"' in html


def test_home_shows_tickets_of_every_customer_in_the_agents_queues(agent_client, queue):
    seed(queue)
    foreign = factories.TicketFactory(number="FOREIGN", state="new")
    factories.TicketFactory(number="NOBODY", state="new", queue=queue, customer=None)

    html = home(agent_client)

    new = html[html.index('data-widget-body="new-tickets"') :]
    new = new[: new.index('data-widget-body="open-tickets"')]
    assert sorted(markers(new, "ticket")) == ["NOBODY", "T-new"]
    assert foreign.number not in html


def test_stat_cards_count_and_link_to_lists_with_the_same_numbers(agent, agent_client, queue):
    tickets = seed(queue)
    tickets["open"].escalation_due = timezone.now() - timedelta(minutes=5)
    tickets["open"].is_locked, tickets["open"].owner = True, agent
    tickets["open"].save()
    factories.TicketFactory(state="new")  # another team's queue

    html = home(agent_client)

    expected = {"locked": 1, "new": 1, "open": 3, "escalated": 1}
    assert {key: number_at(html, "count", key) for key in expected} == expected
    hrefs = {
        key: html_unescape(href)
        for href, key in re.findall(r'href="([^"]+)" data-stat-link="([^"]+)"', html)
    }
    assert set(hrefs) == set(expected)
    for key, href in hrefs.items():
        listed = agent_client.get(href).content.decode()
        assert len(markers(listed, "ticket")) == expected[key], href


# --- ticket widgets -------------------------------------------------------------------------------


def test_new_and_open_widgets_follow_the_state_types(agent_client, queue):
    seed(queue)

    new = get(agent_client, "new-tickets")
    open_ = get(agent_client, "open-tickets")

    assert markers(new, "ticket") == ["T-new"]
    assert sorted(markers(open_, "ticket")) == ["T-declined", "T-in_progress", "T-open"]
    assert tab_count(open_, "all") == 3


def test_reminder_window_order_and_default_tab(agent, agent_client, queue):
    now = timezone.now()
    for number, minutes in [("LATER", 30), ("PAST", -120), ("FAR", 180)]:
        factories.TicketFactory(
            number=number,
            state="pending",
            queue=queue,
            pending_until=now + timedelta(minutes=minutes),
            is_locked=True,
            owner=agent,
        )
    factories.TicketFactory(
        number="FREE", state="pending", queue=queue, pending_until=now - timedelta(minutes=1)
    )

    mine = get(agent_client, "reminder-tickets")
    everyone = get(agent_client, "reminder-tickets", filter="all")

    assert active_tab(mine, ["locked", "my-queues", "all"]) == ["locked"]
    assert markers(mine, "ticket") == ["PAST", "LATER"]
    assert markers(everyone, "ticket") == ["PAST", "FREE", "LATER"]
    assert active_tab(get(agent_client, "new-tickets"), ["locked", "my-queues", "all"]) == ["all"]


def test_escalated_most_overdue_first(agent_client, queue):
    now = timezone.now()
    for number, minutes in [("A", -10), ("B", -300), ("C", 60)]:
        factories.TicketFactory(
            number=number,
            state="open",
            queue=queue,
            escalation_due=now + timedelta(minutes=minutes),
        )

    assert markers(get(agent_client, "escalated-tickets"), "ticket") == ["B", "A"]


def test_tabs_count_and_filter_locked_my_queues_all(agent, agent_client, queue):
    mine_queue = factories.QueueFactory()
    factories.TeamFactory(members=[agent], queues=[mine_queue])
    factories.AgentPreferencesFactory(user=agent, my_queues=[mine_queue])
    someone = factories.AgentFactory()
    factories.TicketFactory(number="LOCKED", state="open", queue=queue, is_locked=True, owner=agent)
    factories.TicketFactory(
        number="OTHERS-LOCK", state="open", queue=queue, is_locked=True, owner=someone
    )
    factories.TicketFactory(number="MYQ", state="open", queue=mine_queue)
    factories.TicketFactory(number="PLAIN", state="open", queue=queue)

    keys = ("locked", "my-queues", "all")
    pages = {key: get(agent_client, "open-tickets", filter=key) for key in keys}

    for html in pages.values():
        counts = tuple(tab_count(html, key) for key in keys)
        assert counts == (1, 1, 4)
    assert markers(pages["locked"], "ticket") == ["LOCKED"]
    assert markers(pages["my-queues"], "ticket") == ["MYQ"]
    assert sorted(markers(pages["all"], "ticket")) == ["LOCKED", "MYQ", "OTHERS-LOCK", "PLAIN"]


def test_my_queues_with_no_queue_chosen_shows_no_tickets(agent_client, queue):
    factories.TicketFactory(state="open", queue=queue)

    html = get(agent_client, "open-tickets", filter="my-queues")

    assert tab_count(html, "my-queues") == 0
    assert markers(html, "ticket") == []


def test_paging_and_page_size(agent_client, queue):
    now = timezone.now()
    for n in range(7):
        factories.TicketFactory(
            number=f"N{n}", state="new", queue=queue, created_at=now - timedelta(hours=n)
        )

    first = get(agent_client, "new-tickets", page_size=5)
    second = get(agent_client, "new-tickets", page_size=5, page=2)

    assert markers(first, "ticket") == ["N0", "N1", "N2", "N3", "N4"]
    assert markers(second, "ticket") == ["N5", "N6"]
    assert "6–7 of 7" in second


def test_counts_stop_at_the_cap_and_paging_with_them(agent_client, queue, monkeypatch):
    monkeypatch.setattr(selectors, "ROW_COUNT_CAP", 3)
    for n in range(5):
        factories.TicketFactory(number=f"N{n}", state="new", queue=queue)

    html = get(agent_client, "new-tickets", page_size=5)
    page = home(agent_client)

    assert re.search(r'data-filter="all"[^>]*>.*?3\+', html, re.S)
    assert "1–3 of 3+" in html
    assert len(markers(html, "ticket")) == 3
    assert re.search(r'data-count="new"[^>]*>3\+<', page)


@pytest.mark.parametrize(
    "params",
    [{"filter": "bogus"}, {"page_size": "7"}, {"page": "x"}, {"scope": "assigned"}],
)
def test_bad_parameters_are_a_clear_422(agent_client, params):
    response = agent_client.get(widget_url("agent", "-", "new-tickets"), params, headers=HX)

    assert response.status_code == 422
    assert b"data-error" in response.content


def test_unknown_object_or_widget_is_404(agent_client):
    assert agent_client.get(widget_url("agent", "ACME", "new-tickets")).status_code == 404
    assert agent_client.get(widget_url("agent", "-", "company-status")).status_code == 404
    assert agent_client.get(widget_url("cic", "-", "queue-overview")).status_code == 404


# --- queue overview -----------------------------------------------------------------------------


def queue_row(html: str, queue) -> str:
    row = re.search(rf'<tr data-queue="{queue.pk}">.*?</tr>', html, re.S)
    assert row, f"no row for queue {queue}"
    return row.group(0)


def test_queue_overview_counts_each_visible_queue_by_category(agent, agent_client, queue):
    second = factories.QueueFactory(name="Second line")
    factories.TeamFactory(members=[agent], queues=[second])
    factories.AgentPreferencesFactory(user=agent, my_queues=[second])
    hidden = factories.QueueFactory(name="Hidden")
    seed(queue)
    factories.TicketFactory(state="new", queue=second)
    factories.TicketFactory(state="new", queue=hidden)

    html = get(agent_client, "queue-overview")

    by_name = sorted([queue, second], key=lambda q: q.name)
    assert markers(html, "queue") == [str(q.pk) for q in by_name]
    columns = ("new", "open", "pending", "incomplete")
    first = queue_row(html, queue)
    assert [number_at(first, "count", key) for key in columns] == [1, 3, 2, 6]
    other = queue_row(html, second)
    assert [number_at(other, "count", key) for key in columns] == [1, 0, 0, 1]
    assert "bi-star-fill" in other
    assert "bi-star-fill" not in first


def test_queue_overview_links_open_a_search_with_the_same_numbers(agent_client, queue):
    seed(queue)
    row = queue_row(get(agent_client, "queue-overview"), queue)

    hrefs = re.findall(r'href="([^"]+)" data-count="([^"]+)"', row)
    assert len(hrefs) == 4
    for href, key in hrefs:
        listed = agent_client.get(html_unescape(href)).content.decode()
        assert len(markers(listed, "ticket")) == number_at(row, "count", key), href


def test_queue_overview_superuser_sees_every_queue_outsider_none(client, queue):
    factories.QueueFactory()
    outsider = factories.AgentFactory()
    client.force_login(factories.AdminFactory())
    every = get(client, "queue-overview")
    client.force_login(outsider)
    none = get(client, "queue-overview")

    assert len(markers(every, "queue")) >= 2
    assert markers(none, "queue") == []
    assert "grant no queue" in none


# --- ticket stats -------------------------------------------------------------------------------


def stats_row(html: str, day) -> tuple[int, int]:
    row = re.search(rf'<tr data-day="{day.isoformat()}">.*?</tr>', html, re.S)
    assert row, f"no row for {day}"
    return number_at(row.group(0), "count", "created"), number_at(row.group(0), "count", "closed")


def test_ticket_stats_count_created_and_closed_per_day_after_a_refresh(agent_client, queue):
    now = timezone.now()
    today = timezone.localdate(now)
    two_days = now - timedelta(days=2)
    factories.TicketFactory(queue=queue, state="new", created_at=now - timedelta(minutes=5))
    factories.TicketFactory(queue=queue, state="new", created_at=two_days)
    factories.TicketFactory(queue=queue, state="closed", created_at=two_days, closed_at=now)
    factories.TicketFactory(queue=queue, state="new", created_at=now - timedelta(days=9))
    factories.TicketFactory(state="new", created_at=now)  # another team's queue

    before = get(agent_client, "ticket-stats")
    call_command("refresh_ticket_stats", stdout=io.StringIO())
    after = get(agent_client, "ticket-stats")

    assert stats_row(before, today) == (0, 0)
    assert "Not counted yet" in before
    assert len(markers(after, "day")) == 7
    assert stats_row(after, today) == (1, 1)
    assert stats_row(after, timezone.localdate(two_days)) == (2, 0)
    assert sum(stats_row(after, today - timedelta(days=n))[0] for n in range(7)) == 3
    assert "Counted" in after


def test_ticket_stats_days_are_the_agents_days(agent, client, queue):
    tokyo = ZoneInfo("Asia/Tokyo")
    midnight = datetime.combine(timezone.now().astimezone(tokyo).date(), datetime.min.time(), tokyo)
    created = midnight - timedelta(hours=23)  # 01:00 yesterday in Tokyo, 16:00 UTC the day before
    factories.TicketFactory(queue=queue, state="new", created_at=created)
    call_command("refresh_ticket_stats", stdout=io.StringIO())
    tokyo_agent = factories.AgentFactory()
    factories.TeamFactory(members=[tokyo_agent], queues=[queue])
    factories.AgentPreferencesFactory(user=tokyo_agent, time_zone="Asia/Tokyo")
    client.force_login(tokyo_agent)
    in_tokyo = get(client, "ticket-stats")
    client.force_login(agent)
    in_utc = get(client, "ticket-stats")

    assert stats_row(in_tokyo, created.astimezone(tokyo).date()) == (1, 0)
    assert stats_row(in_utc, created.astimezone(ZoneInfo("UTC")).date()) == (1, 0)
    assert created.astimezone(tokyo).date() != created.astimezone(ZoneInfo("UTC")).date()


def test_ticket_stats_refresh_is_idempotent_and_follows_moves(agent_client, queue):
    other = factories.QueueFactory()
    ticket = factories.TicketFactory(queue=queue, state="new", created_at=timezone.now())
    call_command("refresh_ticket_stats", stdout=io.StringIO())
    call_command("refresh_ticket_stats", stdout=io.StringIO())
    today = timezone.localdate()
    assert stats_row(get(agent_client, "ticket-stats"), today) == (1, 0)

    ticket.queue = other
    ticket.save()
    call_command("refresh_ticket_stats", stdout=io.StringIO())

    assert stats_row(get(agent_client, "ticket-stats"), today) == (0, 0)


# --- preferences and who sees what --------------------------------------------------------------


def test_preferences_order_and_close_are_per_agent(client, agent, agent_client):
    url = reverse("dashboards:preferences", args=["agent"])
    order = [
        "open-tickets",
        "new-tickets",
        "queue-overview",
        "reminder-tickets",
        "escalated-tickets",
    ]
    assert agent_client.post(url, {"order": order}).status_code == 204
    response = agent_client.post(url, {"widget": "escalated-tickets", "close": "1"}, headers=HX)
    assert response.status_code == 200

    mine = home(agent_client)
    colleague = factories.AgentFactory()
    factories.TeamFactory(members=[colleague])
    client.force_login(colleague)
    theirs = home(client)

    assert markers(mine, "widget") == [*order[:4], *SIDEBAR]
    assert markers(theirs, "widget") == MAIN + SIDEBAR
    assert DashboardPreference.objects.filter(user=agent, dashboard="agent").count() == 7


def test_settings_turn_widgets_off_and_on(agent_client):
    url = reverse("dashboards:preferences", args=["agent"])
    kept = ["new-tickets", "settings", "ticket-stats"]

    agent_client.post(url, {"enabled": kept})
    off = home(agent_client)
    agent_client.post(url, {"enabled": MAIN + SIDEBAR})
    on = home(agent_client)

    assert markers(off, "widget") == ["new-tickets", "settings", "ticket-stats"]
    assert 'data-setting="queue-overview"' in off
    assert markers(on, "widget") == MAIN + SIDEBAR


def test_tab_choice_is_remembered_for_the_agent_dashboard_only(agent_client, queue):
    customer = factories.CustomerFactory(customer_id="ACME")
    factories.TicketFactory(state="new", queue=queue, customer=customer)

    agent_client.post(widget_url("agent", "-", "new-tickets"), {"filter": "locked"}, headers=HX)

    assert active_tab(get(agent_client, "new-tickets"), ["locked", "my-queues", "all"]) == [
        "locked"
    ]
    cic = agent_client.get(widget_url("cic", "ACME", "new-tickets"), headers=HX).content.decode()
    assert active_tab(cic, ["locked", "my-queues", "all"]) == ["all"]


def test_agent_outside_a_team_sees_nothing_and_zero_counts(client, queue):
    seed(queue)
    outsider = factories.AgentFactory()
    client.force_login(outsider)

    html = home(client)

    assert markers(html, "ticket") == []
    cards = ("locked", "new", "open", "escalated")
    assert [number_at(html, "count", key) for key in cards] == [0, 0, 0, 0]
    assert markers(html, "queue") == []


def test_anonymous_and_portal_users_are_turned_away(client, portal_user):
    anonymous_page = client.get(reverse("dashboards:home"))
    anonymous_widget = client.get(widget_url("agent", "-", "new-tickets"), headers=HX)
    client.force_login(portal_user.user)
    portal = client.get(reverse("dashboards:home"))

    assert anonymous_page.status_code == 302
    assert anonymous_page.url.startswith(reverse("login"))
    assert anonymous_widget.status_code == 302
    assert (portal.status_code, portal.url) == (302, reverse("portal:home"))


def test_widget_without_htmx_renders_a_page(agent_client, queue):
    factories.TicketFactory(number="N1", state="new", queue=queue)

    html = get(agent_client, "new-tickets", htmx=False)

    assert "<html" in html
    assert markers(html, "widget") == ["new-tickets"]
    assert markers(html, "ticket") == ["N1"]
