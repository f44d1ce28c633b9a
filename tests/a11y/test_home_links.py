"""The home page's stat cards are links to the ticket search listing what they count."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.tickets.helpers import rows, search

LINK = re.compile(r'href="([^"]+)" data-stat-link="([a-z]+)"')
COUNT = re.compile(r'data-count="([a-z]+)">(\d+)<')


@pytest.mark.django_db
def test_home_stat_cards_link_to_the_tickets_they_count(agent_client, agent, queue):
    now = timezone.now()
    other = factories.AgentFactory()
    new = factories.TicketFactory(state="new", queue=queue)
    mine = factories.TicketFactory(state="in_progress", queue=queue, owner=agent, is_locked=True)
    theirs = factories.TicketFactory(state="open", queue=queue, owner=other, is_locked=True)
    late = factories.TicketFactory(
        state="pending", queue=queue, escalation_due=now - timedelta(hours=1)
    )
    factories.TicketFactory(state="closed", queue=queue)
    factories.TicketFactory(state="new")  # another team's queue

    page = agent_client.get(reverse("dashboards:home")).content.decode()
    cards = page[page.index("stat-cards") : page.index("data-widget=")]
    links = {key: html.unescape(href) for href, key in LINK.findall(cards)}
    counts = dict(COUNT.findall(cards))

    listed = {key: sorted(rows(agent_client.get(href))) for key, href in links.items()}
    assert listed == {
        "locked": [mine.number],
        "new": [new.number],
        "open": sorted([mine.number, theirs.number]),
        "escalated": [late.number],
    }
    assert counts == {key: str(len(numbers)) for key, numbers in listed.items()}


@pytest.mark.django_db
def test_search_by_state_type_and_a_bad_one_is_an_error(agent_client, queue):
    waiting = factories.TicketFactory(state="pending", queue=queue)
    factories.TicketFactory(state="new", queue=queue)

    assert rows(search(agent_client, state_type="pending_reminder")) == [waiting.number]
    response = search(agent_client, state_type="nonsense")
    assert (response.status_code, rows(response)) == (200, [])
