"""Auto-close of pending-auto-close tickets and of old resolved tickets."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tickets.models import TicketEvent
from tickets.tasks import auto_close_pending, auto_close_resolved

pytestmark = pytest.mark.django_db


def test_pending_auto_close_closes_with_an_event(queue):
    ticket = factories.TicketFactory(
        state="pending_auto_close", queue=queue, pending_until=timezone.now() - timedelta(minutes=1)
    )

    assert auto_close_pending() == 1
    assert auto_close_pending() == 0

    ticket.refresh_from_db()
    assert ticket.state.name == "closed"
    assert ticket.pending_until is None
    assert ticket.closed_at is not None
    events = list(
        TicketEvent.objects.filter(ticket=ticket).values_list(
            "action", "from_value", "to_value", "actor"
        )
    )
    assert events == [("state", "pending_auto_close", "closed", None)]


def test_pending_auto_close_one_minute_before_time_keeps_ticket(queue):
    ticket = factories.TicketFactory(
        state="pending_auto_close", queue=queue, pending_until=timezone.now() + timedelta(minutes=1)
    )

    assert auto_close_pending() == 0

    ticket.refresh_from_db()
    assert ticket.state.name == "pending_auto_close"
    assert TicketEvent.objects.filter(ticket=ticket).count() == 0


def test_pending_auto_close_ignores_pending_reminder_tickets(queue):
    ticket = factories.TicketFactory(
        state="pending", queue=queue, pending_until=timezone.now() - timedelta(hours=1)
    )

    assert auto_close_pending() == 0

    ticket.refresh_from_db()
    assert ticket.state.name == "pending"


def test_resolved_auto_close_after_the_configured_days(queue, settings):
    settings.HELPDESK_AUTO_CLOSE_DAYS = 3
    boundary = timezone.now() - timedelta(days=3)
    old = factories.TicketFactory(
        state="resolved", queue=queue, resolved_at=boundary - timedelta(minutes=1)
    )
    recent = factories.TicketFactory(
        state="resolved", queue=queue, resolved_at=boundary + timedelta(minutes=1)
    )

    assert auto_close_resolved() == 1
    assert auto_close_resolved() == 0

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.state.name, recent.state.name) == ("closed", "resolved")
    assert old.resolved_at == boundary - timedelta(minutes=1)
    assert list(TicketEvent.objects.values_list("ticket", "action", "from_value", "to_value")) == [
        (old.pk, "state", "resolved", "closed")
    ]


def test_resolved_auto_close_ignores_other_states(queue):
    long_ago = timezone.now() - timedelta(days=60)
    factories.TicketFactory(state="open", queue=queue, resolved_at=long_ago)
    factories.TicketFactory(state="closed", queue=queue, resolved_at=long_ago)

    assert auto_close_resolved() == 0

    assert TicketEvent.objects.count() == 0
