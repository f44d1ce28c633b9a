"""`manage.py send_reminders`, `check_escalations` and `auto_close`: the cron path."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from helpdesk.models import OutboxMessage
from tests import factories
from tests.outbox.helpers import committed
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _run(name, *args):
    out, err = StringIO(), StringIO()
    committed(call_command, name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_send_reminders_command_sends_once(queue, agent):
    past = timezone.now() - timedelta(minutes=1)
    factories.TicketFactory(state="pending", queue=queue, owner=agent, pending_until=past)

    assert _run("send_reminders") == ("Sent 1 reminder(s).\n", "")
    assert _run("send_reminders") == ("Sent 0 reminder(s).\n", "")

    assert [m.to for m in mail.outbox] == [[agent.email]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # each notice commits
def test_send_reminders_command_mail_error_fails_and_keeps_ticket_due(queue, agent, flaky_mail):
    flaky_mail(1)
    past = timezone.now() - timedelta(minutes=1)
    ticket = factories.TicketFactory(state="pending", queue=queue, owner=agent, pending_until=past)
    err = StringIO()

    with pytest.raises(CommandError, match=r"1 reminder\(s\) could not be sent"):
        call_command("send_reminders", stdout=StringIO(), stderr=err)

    assert err.getvalue() == f"Ticket {ticket.number}: Connection unexpectedly closed\n"
    assert Ticket.objects.reminder_notice_due().count() == 0  # owed once, in the outbox
    assert _run("send_reminders")[0] == "Sent 0 reminder(s).\n"
    assert mail.outbox == []
    OutboxMessage.objects.update(next_attempt_at=timezone.now())  # its back-off has passed
    assert _run("send_outbox") == ("Sent 1 email(s), skipped 0, 0 attempt(s) failed.\n", "")
    assert _run("send_outbox") == ("Sent 0 email(s), skipped 0, 0 attempt(s) failed.\n", "")
    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_check_escalations_command_sends_once(queue, agent):
    due = timezone.now() - timedelta(minutes=1)
    factories.TicketFactory(state="open", queue=queue, owner=agent, escalation_due=due)

    assert _run("check_escalations") == ("Sent 1 escalation notice(s).\n", "")
    assert _run("check_escalations") == ("Sent 0 escalation notice(s).\n", "")

    assert len(mail.outbox) == 1


def test_auto_close_command_closes_both_kinds(queue, settings):
    settings.HELPDESK_AUTO_CLOSE_DAYS = 7
    now = timezone.now()
    pending = factories.TicketFactory(
        state="pending_auto_close", queue=queue, pending_until=now - timedelta(minutes=1)
    )
    resolved = factories.TicketFactory(
        state="resolved", queue=queue, resolved_at=now - timedelta(days=8)
    )

    out, _ = _run("auto_close")

    assert out == (
        "Closed 1 pending-auto-close ticket(s).\n"
        "Closed 1 ticket(s) resolved at least 7 day(s) ago.\n"
    )
    assert set(
        Ticket.objects.filter(pk__in=[pending.pk, resolved.pk]).values_list(
            "state__name", flat=True
        )
    ) == {"closed"}


def test_auto_close_command_pending_only_leaves_resolved(queue):
    resolved = factories.TicketFactory(
        state="resolved", queue=queue, resolved_at=timezone.now() - timedelta(days=30)
    )

    out, _ = _run("auto_close", "--pending-only")

    assert out == "Closed 0 pending-auto-close ticket(s).\n"
    resolved.refresh_from_db()
    assert resolved.state.name == "resolved"
