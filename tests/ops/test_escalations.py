"""Escalation notices: owner and responsible, once per escalation due time, retries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from helpdesk.models import OutboxMessage
from helpdesk.outbox import deliver_outbox, outbox_sweep
from tests import factories
from tests.outbox.helpers import committed, later
from tickets.models import Ticket
from tickets.tasks import check_escalations

pytestmark = pytest.mark.django_db


def _escalated(queue, minutes_ago=1, **kwargs):
    due = timezone.now() - timedelta(minutes=minutes_ago)
    return factories.TicketFactory(
        state="open", queue=queue, escalation_due=due, solution_due=due, **kwargs
    )


def test_escalation_emails_owner_and_responsible_once(queue, agent):
    responsible = factories.AgentFactory()
    factories.TeamFactory(members=[responsible], queues=[queue])
    ticket = _escalated(queue, owner=agent, responsible=responsible)

    assert committed(check_escalations) == 1
    assert committed(check_escalations) == 0

    # one email each, addressed to that agent only
    assert sorted(m.to for m in mail.outbox) == sorted([[agent.email], [responsible.email]])
    for message in mail.outbox:
        assert message.subject == f"[Ticket#{ticket.number}] Escalated: {ticket.title}"
        assert "Solution was due" in message.body
    ticket.refresh_from_db()
    assert ticket.escalation_notified_for == ticket.escalation_due


def test_escalation_leaves_out_responsible_outside_the_queues_teams(queue, agent):
    outsider = factories.AgentFactory()
    _escalated(queue, owner=agent, responsible=outsider)

    committed(check_escalations)

    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_escalation_leaves_out_deactivated_owner(queue, agent):
    gone = factories.AgentFactory(is_active=False)
    factories.TeamFactory(members=[gone], queues=[queue])
    _escalated(queue, owner=gone, responsible=agent)

    committed(check_escalations)

    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_escalation_without_owner_or_responsible_goes_to_the_team(queue, agent):
    _escalated(queue, owner=None, responsible=None)

    committed(check_escalations)

    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_escalation_one_minute_before_due_sends_nothing(queue, agent):
    ticket = _escalated(queue, minutes_ago=-1, owner=agent)

    assert committed(check_escalations) == 0

    assert mail.outbox == []
    ticket.refresh_from_db()
    assert ticket.escalation_notified_for is None


def test_escalation_rearmed_by_a_new_due_time(queue, agent):
    ticket = _escalated(queue, minutes_ago=30, owner=agent)
    committed(check_escalations)

    # A customer contact moves the update due time; later it passes as well.
    Ticket.objects.filter(pk=ticket.pk).update(escalation_due=timezone.now() - timedelta(minutes=1))
    assert committed(check_escalations) == 1
    assert committed(check_escalations) == 0

    assert len(mail.outbox) == 2


def test_escalation_mail_failure_is_retried_without_duplicate(queue, agent, flaky_mail):
    backend = flaky_mail(2)
    _escalated(queue, owner=agent)

    committed(check_escalations)  # owed; the first attempt fails
    row = OutboxMessage.objects.get()
    deliver_outbox.apply(args=(row.pk,))  # duplicate tasks while it backs off: nothing
    deliver_outbox.apply(args=(row.pk,))
    committed(check_escalations)
    outbox_sweep(now=later(1.5), seconds=None)  # second attempt fails
    outbox_sweep(now=later(4), seconds=None)  # third succeeds
    outbox_sweep(now=later(60), seconds=None)
    deliver_outbox.apply(args=(row.pk,))

    assert backend.attempts == 3
    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_escalation_mail_down_keeps_the_notice_owed_until_sent(queue, agent, flaky_mail):
    flaky_mail(1)
    ticket = _escalated(queue, owner=agent)

    assert committed(check_escalations) == 1  # owed, send failed

    ticket.refresh_from_db()
    assert ticket.escalation_notified_for == ticket.escalation_due
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.last_error) == (
        "pending",
        1,
        "Connection unexpectedly closed",
    )
    assert mail.outbox == []
    assert committed(check_escalations) == 0
    outbox_sweep(now=later(2), seconds=None)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("size", [2, 12])
def test_escalation_selection_is_one_query_whatever_is_not_due(
    size, queue, django_assert_num_queries
):
    for _ in range(size):
        _escalated(queue, minutes_ago=-30)

    with django_assert_num_queries(1):
        assert check_escalations() == 0
