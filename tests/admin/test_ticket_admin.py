"""Ticket corrections in the admin go through the ticket services: history, due times, rules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.admin.helpers import admin_data
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def pending_state() -> int:
    return factories.state("pending").pk


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def ticket(queue):
    created = timezone.now() - timedelta(minutes=30)
    return factories.TicketFactory(queue=queue, state="open", created_at=created)


def _edit(admin_client, ticket, **changes):
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    data = admin_data(admin_client.get(url))
    for name, value in changes.items():
        if isinstance(value, timezone.datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = local.date(), local.time().replace(microsecond=0)
        else:
            data[name] = value
    return admin_client.post(url, data)


def _events(ticket) -> list[tuple[str, str, str]]:
    return list(
        TicketEvent.objects.filter(ticket=ticket)
        .order_by("id")
        .values_list("action", "from_value", "to_value")
    )


def test_admin_state_change_to_pending_writes_events_and_clears_the_update_due(
    admin_client, ticket, admin_user
):
    until = timezone.now() + timedelta(days=2)

    response = _edit(admin_client, ticket, state=pending_state(), pending_until=until)

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert (ticket.state.name, ticket.update_due) == ("pending", None)
    assert ticket.escalation_due == ticket.first_response_due
    assert _events(ticket)[0] == ("state", "open", "pending")
    assert _events(ticket)[1][0] == "pending_until"
    assert TicketEvent.objects.filter(ticket=ticket).first().actor == admin_user


def test_admin_pending_state_without_a_time_is_a_form_error_and_changes_nothing(
    admin_client, ticket
):
    response = _edit(admin_client, ticket, state=pending_state())

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["pending_until"] == ["A pending state needs a pending time."]
    assert Ticket.objects.get(pk=ticket.pk).state.name == "open"
    assert _events(ticket) == []


def test_admin_pending_time_in_the_past_is_a_form_error(admin_client, ticket):
    response = _edit(
        admin_client,
        ticket,
        state=pending_state(),
        pending_until=timezone.now() - timedelta(hours=1),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["pending_until"] == ["The pending time must be in the future."]
    assert _events(ticket) == []


def test_admin_queue_change_writes_an_event_and_recomputes_the_due_times(admin_client, ticket):
    slower = factories.QueueFactory(
        first_response_minutes=600, update_minutes=900, solution_minutes=3000
    )

    response = _edit(admin_client, ticket, queue=slower.pk)

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.queue == slower
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=600)
    assert ticket.solution_due == ticket.created_at + timedelta(minutes=3000)
    assert ticket.escalation_due == ticket.first_response_due
    assert [e[0] for e in _events(ticket)] == ["queue"]


def test_admin_sla_change_writes_an_event_and_recomputes_the_due_times(admin_client, ticket):
    sla = factories.SLAFactory(first_response_minutes=5, update_minutes=50, solution_minutes=500)

    response = _edit(admin_client, ticket, sla=sla.pk)

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=5)
    assert ticket.escalation_due == ticket.created_at + timedelta(minutes=5)
    assert _events(ticket) == [("sla", "", sla.name)]


def test_admin_pending_time_change_alone_writes_an_event(admin_client, queue):
    ticket = factories.TicketFactory(
        queue=queue, state="pending", pending_until=timezone.now() + timedelta(hours=1)
    )
    later = timezone.now() + timedelta(days=3)

    response = _edit(admin_client, ticket, pending_until=later)

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert abs(ticket.pending_until - later) < timedelta(seconds=1)
    assert [e[0] for e in _events(ticket)] == ["pending_until"]


def test_admin_title_and_lock_corrections_are_recorded(admin_client, ticket, admin_user):
    response = _edit(admin_client, ticket, title="Printer on fire", is_locked="on")

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert (ticket.title, ticket.is_locked, ticket.owner) == ("Printer on fire", True, admin_user)
    assert [e[0] for e in _events(ticket)] == ["title", "owner", "lock"]


def test_admin_cannot_add_tickets(admin_client):
    assert admin_client.get(reverse("admin:tickets_ticket_add")).status_code == 403


def test_admin_due_times_are_read_only(admin_client, ticket):
    response = admin_client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))

    form = response.context["adminform"].form
    assert {"escalation_due", "first_response_due", "number", "closed_at"}.isdisjoint(form.fields)
