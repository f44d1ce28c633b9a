"""Two workers on one ticket: the second skips a ticket the first is handling (PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from tests import factories
from tickets.models import Ticket
from tickets.tasks.periodic import escalation_notify, reminder_notify

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _hold_lock(ticket_id: int, locked: threading.Event, release: threading.Event) -> None:
    try:
        with transaction.atomic():
            list(Ticket.objects.select_for_update().filter(pk=ticket_id))
            locked.set()
            release.wait(10)
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("notify", "fields"),
    [
        (reminder_notify, {"state": "pending", "pending_until": -1}),
        (escalation_notify, {"state": "open", "escalation_due": -1}),
    ],
)
def test_notice_skips_a_ticket_locked_by_another_worker(notify, fields, queue, agent):
    past = timezone.now() - timedelta(minutes=1)
    values = {k: (past if v == -1 else v) for k, v in fields.items()}
    ticket = factories.TicketFactory(queue=queue, owner=agent, **values)
    locked, release = threading.Event(), threading.Event()
    other_worker = threading.Thread(target=_hold_lock, args=(ticket.pk, locked, release))
    other_worker.start()
    try:
        assert locked.wait(10)

        assert notify(ticket_id=ticket.pk) is False
        assert mail.outbox == []
    finally:
        release.set()
        other_worker.join(10)

    assert notify(ticket_id=ticket.pk) is True
    assert notify(ticket_id=ticket.pk) is False
    assert len(mail.outbox) == 1
