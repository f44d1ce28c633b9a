"""How times show on every page: one `<time datetime>` format in the current time zone
(DESIGN §6) and one due-time colour (`due_class`) with the same edges everywhere."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.dashboards.helpers import HX, widget_url

pytestmark = pytest.mark.django_db

# Winter and summer time in Berlin: the offset is the one of each moment, not of today.
CREATED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
CREATED_TIME = '<time datetime="2026-03-01T10:30:00+01:00">2026-03-01 10:30</time>'
PENDING = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
PENDING_TIME = '<time datetime="2026-07-01T14:00:00+02:00">2026-07-01 14:00</time>'


@pytest.fixture
def berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"


@pytest.fixture
def pending_ticket(berlin, agent, queue):
    acme = factories.CustomerFactory(customer_id="ACME")
    caller = factories.PortalUserFactory(customer=acme, login="paula")
    ticket = factories.TicketFactory(
        queue=queue,
        customer_user=caller,
        state="pending",
        pending_until=PENDING,
        created_at=CREATED,
    )
    article = factories.ArticleFactory(ticket=ticket, is_public=True, sender_type="customer")
    event = factories.TicketEventFactory(
        ticket=ticket, action="pending_until", to_value=PENDING.isoformat(), actor=agent
    )
    for row in (article, event):
        type(row).objects.filter(pk=row.pk).update(created_at=CREATED)
    return ticket


def test_zoom_shows_every_point_in_time_as_a_local_time_element(agent_client, pending_ticket):
    body = agent_client.get(reverse("tickets:detail", args=[pending_ticket.number])).text

    assert f'<dt class="col-5">Created</dt><dd class="col-7">{CREATED_TIME}</dd>' in body
    assert f'data-field="pending_until">{PENDING_TIME}</dd>' in body
    # the article's time and the history's time and "Pending until" value
    assert f'<span class="ms-auto text-secondary">{CREATED_TIME}</span>' in body
    assert f'<span class="text-secondary text-nowrap">{CREATED_TIME}</span>' in body
    assert f"<strong>Pending until</strong> {PENDING_TIME}</span>" in body


def test_thread_alone_shows_local_time_elements(agent_client, pending_ticket):
    url = reverse("tickets:detail", args=[pending_ticket.number])

    body = agent_client.get(url, {"all": "1"}, headers=HX).text

    assert body.count(CREATED_TIME) == 2
    assert body.count(PENDING_TIME) == 1


def test_ticket_search_shows_the_created_time(agent_client, pending_ticket):
    body = agent_client.get(reverse("tickets:list")).text

    assert f'<td class="text-nowrap">{CREATED_TIME}</td>' in body


def test_widget_relative_times_carry_the_local_time(agent_client, pending_ticket):
    body = agent_client.get(
        widget_url("cic", "ACME", "reminder-tickets"), {"filter": "all"}, headers=HX
    ).text

    age = re.search(r"<div class=\"cell-sub\" data-age>(<time [^>]*>)[^<]+</time></div>", body)
    due = re.search(r"<span class=\"[^\"]*\" data-due>(<time [^>]*>)[^<]+</time></span>", body)
    assert age.group(1) == '<time datetime="2026-03-01T10:30:00+01:00" title="2026-03-01 10:30">'
    assert due.group(1) == '<time datetime="2026-07-01T14:00:00+02:00" title="2026-07-01 14:00">'


def test_portal_shows_local_time_elements(client, pending_ticket):
    client.force_login(pending_ticket.customer_user.user)

    home = client.get(reverse("portal:home")).text
    detail = client.get(reverse("portal:detail", args=[pending_ticket.number])).text

    # the list's "Started" column is the day of that moment in the viewer's zone
    started = '<time datetime="2026-03-01T10:30:00+01:00">2026-03-01</time>'
    assert f'<td class="d-none d-lg-table-cell text-nowrap">{started}</td>' in home
    assert f'<dt class="col-5">Started</dt><dd class="col-7">{CREATED_TIME}</dd>' in detail


def test_a_moment_late_in_the_day_is_the_next_day_in_a_zone_ahead(client, berlin):
    caller = factories.PortalUserFactory()
    ticket = factories.TicketFactory(
        customer_user=caller, created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    )
    client.force_login(caller.user)

    body = client.get(reverse("portal:home")).text

    assert '<time datetime="2026-03-02T00:30:00+01:00">2026-03-02</time>' in body
    assert f'data-ticket="{ticket.number}"' in body


# --- due_class --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "css"),
    [
        (timedelta(seconds=-1), "due-overdue"),
        (timedelta(0), "due-overdue"),  # due exactly now: its moment has come
        (timedelta(seconds=1), "due-warning"),
        (timedelta(hours=1), "due-warning"),  # exactly one hour ahead: within the hour
        (timedelta(hours=1, seconds=1), ""),
    ],
)
def test_due_time_colour_has_the_same_edges_on_every_page(agent_client, queue, offset, css):
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        acme = factories.CustomerFactory(customer_id="ACME")
        ticket = factories.TicketFactory(
            queue=queue,
            customer_user=factories.CustomerUserFactory(customer=acme),
            state="open",
            escalation_due=now + offset,
            solution_due=now + offset,
        )

        zoom = agent_client.get(reverse("tickets:detail", args=[ticket.number])).text
        listed = agent_client.get(reverse("tickets:list")).text
        widget = agent_client.get(
            widget_url("cic", "ACME", "open-tickets"), {"filter": "all"}, headers=HX
        ).text

    assert f'<dd class="col-7 {css}" data-due="solution">' in zoom
    assert re.findall(r'<td class="text-nowrap ([^"]*)"><time', listed) == [css]
    assert re.findall(r'<span class="([^"]*)" data-due>', widget) == [css]
