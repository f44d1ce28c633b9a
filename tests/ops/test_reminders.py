"""Pending reminders: who gets them, exactly once per pending time, retries without duplicates."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.models import Ticket
from tickets.services import ticket_set_state
from tickets.tasks import notify_reminder, send_reminders

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

    assert send_reminders() == 1
    assert send_reminders() == 0

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

    send_reminders()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == sorted([agent.email, colleague.email])


def test_reminder_owner_who_lost_access_is_replaced_by_the_team(queue, agent):
    outsider = factories.AgentFactory()  # in no team granting the queue
    _pending(queue, owner=outsider)

    send_reminders()

    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_reminder_superuser_owner_outside_teams_receives_it(queue, agent, admin_user):
    _pending(queue, owner=admin_user)

    send_reminders()

    assert [m.to for m in mail.outbox] == [[admin_user.email]]


def test_reminder_one_minute_before_time_sends_nothing(queue, agent):
    ticket = _pending(queue, minutes_ago=-1, owner=agent)

    assert send_reminders() == 0

    assert mail.outbox == []
    ticket.refresh_from_db()
    assert ticket.reminder_notified_for is None


def test_reminder_not_sent_for_other_states(queue, agent):
    past = timezone.now() - timedelta(hours=1)
    factories.TicketFactory(state="open", queue=queue, owner=agent, pending_until=past)
    factories.TicketFactory(
        state="pending_auto_close", queue=queue, owner=agent, pending_until=past
    )

    assert send_reminders() == 0

    assert mail.outbox == []


def test_reminder_rearmed_by_a_new_pending_time(queue, agent):
    ticket = _pending(queue, owner=agent)
    send_reminders()
    ticket_set_state(
        ticket=ticket,
        state=factories.state("pending"),
        by=agent,
        pending_until=timezone.now() + timedelta(hours=2),
    )

    assert send_reminders() == 0  # the new time is not reached yet
    # Time passes: the new pending time is reached.
    Ticket.objects.filter(pk=ticket.pk).update(pending_until=timezone.now() - timedelta(seconds=30))
    assert send_reminders() == 1
    assert send_reminders() == 0

    assert len(mail.outbox) == 2


def test_reminder_task_retries_mail_errors_with_backoff():
    assert notify_reminder.autoretry_for == (OSError, smtplib.SMTPException)
    assert notify_reminder.retry_backoff is True
    assert notify_reminder.name == "tickets.tasks.notify_reminder"
    assert send_reminders.name == "tickets.tasks.send_reminders"


def test_reminder_mail_failure_is_retried_without_duplicate(
    queue, agent, flaky_mail, worker_retries
):
    backend = flaky_mail(1)
    ticket = _pending(queue, owner=agent)

    result = notify_reminder.apply(args=(ticket.pk,))
    notify_reminder.apply(args=(ticket.pk,))  # a duplicate delivery of the task

    assert result.get() is True
    assert backend.attempts == 2  # the failed send and its retry
    assert [m.to for m in mail.outbox] == [[agent.email]]
    ticket.refresh_from_db()
    assert ticket.reminder_notified_for == ticket.pending_until


def test_reminder_mail_down_marks_nothing_and_a_later_run_sends_once(
    queue, agent, flaky_mail, worker_retries
):
    backend = flaky_mail(1000)
    ticket = _pending(queue, owner=agent)

    result = notify_reminder.apply(args=(ticket.pk,))

    assert result.failed()
    assert backend.attempts == 9  # the first try and 8 retries
    assert mail.outbox == []
    ticket.refresh_from_db()
    assert ticket.reminder_notified_for is None

    flaky_mail(0)
    send_reminders()
    send_reminders()

    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_reminder_run_with_mail_down_still_serves_the_next_ticket(queue, agent, flaky_mail):
    flaky_mail(1)
    first = _pending(queue, minutes_ago=10, owner=agent)
    second = _pending(queue, minutes_ago=5, owner=agent)

    send_reminders()

    notified = set(
        Ticket.objects.filter(reminder_notified_for__isnull=False).values_list("pk", flat=True)
    )
    assert len(mail.outbox) == 1
    assert notified in ({first.pk}, {second.pk})
    send_reminders()
    assert len(mail.outbox) == 2


def test_reminder_text_is_plain_and_html_is_escaped(queue, agent):
    _pending(queue, owner=agent, title="VPN <down> & out")

    send_reminders()

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
