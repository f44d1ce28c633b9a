"""Pending reminders: who gets them, exactly once per pending time, retries without duplicates."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import InterfaceError, OperationalError
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import OutboxMessage
from helpdesk.outbox import (
    MAX_ATTEMPTS,
    deliver_outbox,
    deliver_outbox_key,
    outbox_retry,
    outbox_sweep,
)
from tests import factories
from tests.outbox.helpers import committed, later
from tickets.models import Ticket
from tickets.services import ticket_set_state
from tickets.tasks import send_reminders

pytestmark = pytest.mark.django_db


def _pending(queue, minutes_ago=1, **kwargs):
    return factories.TicketFactory(
        state="pending",
        queue=queue,
        pending_until=timezone.now() - timedelta(minutes=minutes_ago),
        **kwargs,
    )


def test_reminder_due_emails_owner_once(queue, agent):
    ticket = _pending(queue, owner=agent)

    assert committed(send_reminders) == 1
    assert committed(send_reminders) == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [agent.email]
    assert message.subject == f"[Ticket#{ticket.number}] Reminder: {ticket.title}"
    assert reverse("tickets:detail", args=[ticket.number]) in message.body
    assert message.alternatives[0][1] == "text/html"
    ticket.refresh_from_db()
    assert ticket.reminder_notified_for == ticket.pending_until


def test_reminder_unowned_goes_to_active_team_members_of_the_queue(queue, agent):
    colleague = factories.AgentFactory()
    inactive = factories.AgentFactory(is_active=False)
    factories.TeamFactory(members=[colleague, inactive], queues=[queue])
    factories.TeamFactory(members=[factories.AgentFactory()], queues=[factories.QueueFactory()])
    _pending(queue, owner=None)

    committed(send_reminders)

    # one email each, addressed to that agent only
    assert sorted(m.to for m in mail.outbox) == sorted([[agent.email], [colleague.email]])


def test_reminder_owner_who_lost_access_is_replaced_by_the_team(queue, agent):
    outsider = factories.AgentFactory()  # in no team granting the queue
    _pending(queue, owner=outsider)

    committed(send_reminders)

    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_reminder_superuser_owner_outside_teams_receives_it(queue, agent, admin_user):
    _pending(queue, owner=admin_user)

    committed(send_reminders)

    assert [m.to for m in mail.outbox] == [[admin_user.email]]


def test_reminder_one_minute_before_time_sends_nothing(queue, agent):
    ticket = _pending(queue, minutes_ago=-1, owner=agent)

    assert committed(send_reminders) == 0

    assert mail.outbox == []
    ticket.refresh_from_db()
    assert ticket.reminder_notified_for is None


def test_reminder_not_sent_for_other_states(queue, agent):
    past = timezone.now() - timedelta(hours=1)
    factories.TicketFactory(state="open", queue=queue, owner=agent, pending_until=past)
    factories.TicketFactory(
        state="pending_auto_close", queue=queue, owner=agent, pending_until=past
    )

    assert committed(send_reminders) == 0

    assert mail.outbox == []


def test_reminder_rearmed_by_a_new_pending_time(queue, agent):
    ticket = _pending(queue, owner=agent)
    committed(send_reminders)
    ticket_set_state(
        ticket=ticket,
        state=factories.state("pending"),
        by=agent,
        pending_until=timezone.now() + timedelta(hours=2),
    )

    assert committed(send_reminders) == 0  # the new time is not reached yet
    # Time passes: the new pending time is reached.
    Ticket.objects.filter(pk=ticket.pk).update(pending_until=timezone.now() - timedelta(seconds=30))
    assert committed(send_reminders) == 1
    assert committed(send_reminders) == 0

    assert len(mail.outbox) == 2


def test_reminder_delivery_task_retries_database_errors():
    assert deliver_outbox.autoretry_for == (OperationalError, InterfaceError)
    assert deliver_outbox.retry_backoff == 2
    assert deliver_outbox.name == "helpdesk.tasks.deliver_outbox"
    assert deliver_outbox_key.autoretry_for == (OperationalError, InterfaceError)
    assert deliver_outbox_key.retry_backoff == 2
    assert deliver_outbox_key.name == "helpdesk.tasks.deliver_outbox_key"
    assert send_reminders.name == "tickets.tasks.send_reminders"


def test_reminder_mail_failure_is_retried_without_duplicate(queue, agent, flaky_mail):
    backend = flaky_mail(1)
    ticket = _pending(queue, owner=agent)

    assert committed(send_reminders) == 1  # owed; its first delivery fails
    row = OutboxMessage.objects.get()
    deliver_outbox.apply(args=(row.pk,))  # a duplicate delivery of the task: backing off
    assert (backend.attempts, mail.outbox) == (1, [])
    outbox_sweep(now=later(1.5), seconds=None)  # the back-off of the first attempt passed
    outbox_sweep(now=later(120), seconds=None)
    deliver_outbox.apply(args=(row.pk,))

    assert backend.attempts == 2  # the failed send and its retry
    assert [m.to for m in mail.outbox] == [[agent.email]]
    ticket.refresh_from_db()
    assert ticket.reminder_notified_for == ticket.pending_until


def test_reminder_mail_down_for_hours_fails_visibly_and_a_retry_sends_once(
    queue, agent, flaky_mail
):
    backend = flaky_mail(1000)
    _pending(queue, owner=agent)

    committed(send_reminders)
    row = OutboxMessage.objects.get()
    hours = 0
    while row.status == "pending":
        hours += 1
        outbox_sweep(now=later(60 * hours), seconds=None)
        row.refresh_from_db()

    assert (row.status, row.attempts, backend.attempts) == ("failed", MAX_ATTEMPTS, MAX_ATTEMPTS)
    assert row.last_error == "Connection unexpectedly closed"
    assert hours >= 5  # tried for hours, not seconds
    assert mail.outbox == []

    flaky_mail(0)
    assert committed(send_reminders) == 0  # the notice is owed once, not again
    outbox_sweep(now=later(60 * 24), seconds=None)  # a failed row waits for a person
    assert mail.outbox == []
    assert committed(outbox_retry, OutboxMessage.objects.all()) == 1
    outbox_sweep(now=later(60 * 24), seconds=None)

    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_reminder_run_with_mail_down_still_serves_the_next_ticket(queue, agent, flaky_mail):
    flaky_mail(1)
    first = _pending(queue, minutes_ago=10, owner=agent)
    second = _pending(queue, minutes_ago=5, owner=agent)

    committed(send_reminders)

    assert len(mail.outbox) == 1
    outbox_sweep(now=later(2), seconds=None)
    assert sorted(m.subject for m in mail.outbox) == sorted(
        f"[Ticket#{t.number}] Reminder: {t.title}" for t in (first, second)
    )


def test_reminder_text_is_plain_and_html_is_escaped(queue, agent):
    _pending(queue, owner=agent, title="VPN <down> & out")

    committed(send_reminders)

    message = mail.outbox[0]
    assert message.subject.endswith("Reminder: VPN <down> & out")
    assert "Title:    VPN <down> & out\n" in message.body
    assert "<td>VPN &lt;down&gt; &amp; out</td>" in message.alternatives[0][0]


@pytest.mark.parametrize("size", [2, 12])
def test_reminder_selection_is_one_query_whatever_is_not_due(
    size, queue, django_assert_num_queries
):
    for _ in range(size):
        _pending(queue, minutes_ago=-30)
        factories.TicketFactory(state="open", queue=queue)

    with django_assert_num_queries(1):
        assert send_reminders() == 0
