"""Periodic ticket work: pending reminders, escalation notices and the two auto-closes.

Beat (`CELERY_BEAT_SCHEDULE`) runs the four tasks every `HELPDESK_BEAT_SECONDS`;
`manage.py send_reminders`, `check_escalations` and `auto_close` run the same functions
synchronously for sites that prefer cron.

Exactly once, also across retries and concurrent workers:

- The rule (`Ticket.objects.reminder_notice_due` / `escalation_notice_due`) selects the
  tickets whose notice is owed: due, and the marker (`reminder_notified_for` /
  `escalation_notified_for`) is not the current due time. A new due time re-arms it.
- Each selected ticket is claimed with `select_for_update(skip_locked=True)` under the rule, so
  a second worker (or the next beat run) skips a ticket that is being handled and finds
  nothing to do once it is done.
- In that transaction the notice's emails go into the outbox (one row per recipient, unique
  per ticket and due time) and the marker is set: both commit or neither. The outbox delivers
  them after commit, retries what the mail server refused and never sends a row twice.
- Auto-close changes the state through `ticket_set_state`, which writes the `TicketEvent`; a
  closed ticket no longer matches the rule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helpdesk.models import OutboxMessage
from tickets.emails import escalation_emails_add, reminder_emails_add
from tickets.models import Ticket, TicketState
from tickets.services import ticket_set_state

__all__ = [
    "ESCALATION",
    "REMINDER",
    "Notice",
    "auto_close_pending",
    "auto_close_resolved",
    "check_escalations",
    "escalation_notify",
    "notice_failures",
    "notice_owe",
    "notices_run",
    "pending_auto_close_run",
    "reminder_notify",
    "resolved_auto_close_run",
    "send_reminders",
]

logger = logging.getLogger(__name__)

NOTICE_BATCH = 500  # tickets per run; the next run (a minute later) takes the rest


# --- notices ------------------------------------------------------------------------------------


def _claim(queryset, ticket_id: int) -> Ticket | None:
    """Lock the ticket if the rule still selects it and nobody else holds it."""
    ticket = queryset.select_for_update(skip_locked=True, of=("self",)).filter(pk=ticket_id).first()
    if ticket is None:
        return None
    # Related rows for the recipients, read without locks.
    return Ticket.objects.select_related("queue", "owner", "responsible").get(pk=ticket.pk)


@dataclass(frozen=True)
class Notice:
    """A notice owed once per due time of a ticket: the outbox `kind` of its emails, the rule
    that selects the tickets it is owed for (a `TicketQuerySet` method taking `now`), what
    writes its emails, and the ticket's due field and marker."""

    kind: str
    rule: str
    emails_add: Callable[..., int]
    due_field: str
    marker: str


REMINDER = Notice(
    "reminder", "reminder_notice_due", reminder_emails_add, "pending_until", "reminder_notified_for"
)
ESCALATION = Notice(
    "escalation",
    "escalation_notice_due",
    escalation_emails_add,
    "escalation_due",
    "escalation_notified_for",
)


def notice_owe(notice: Notice, *, ticket_id: int, now: datetime | None = None) -> bool:
    """Owe `notice` for one ticket, once for its current due time: its emails go into the
    outbox and the marker is set, in one transaction.

    Returns False when there was nothing to do (not due, already owed, or being handled).
    """
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _claim(getattr(Ticket.objects, notice.rule)(now), ticket_id)
        if ticket is None:
            return False
        if not notice.emails_add(ticket=ticket):
            logger.warning("The %s of ticket %s has no recipient.", notice.kind, ticket.number)
        due = getattr(ticket, notice.due_field)
        Ticket.objects.filter(pk=ticket.pk).update(**{notice.marker: due})
    return True


def reminder_notify(*, ticket_id: int, now: datetime | None = None) -> bool:
    return notice_owe(REMINDER, ticket_id=ticket_id, now=now)


def escalation_notify(*, ticket_id: int, now: datetime | None = None) -> bool:
    return notice_owe(ESCALATION, ticket_id=ticket_id, now=now)


def notices_run(notice: Notice, now: datetime | None = None) -> list[int]:
    """Owe `notice` for every ticket its rule selects (a batch); returns the ids notified."""
    now = now or timezone.now()
    due = getattr(Ticket.objects, notice.rule)(now)
    ids = list(due.values_list("pk", flat=True)[:NOTICE_BATCH])
    return [pk for pk in ids if notice_owe(notice, ticket_id=pk, now=now)]


def notice_failures(kind: str, ticket_ids: list[int]) -> list[tuple[str, str]]:
    """(ticket number, error) of each email of `kind` about these tickets whose delivery
    failed (the outbox tries it again later)."""
    if not ticket_ids:
        return []
    failed = OutboxMessage.objects.filter(
        kind=kind,
        status__in=(OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED),
        attempts__gt=0,
        params__ticket__in=ticket_ids,
    ).values_list("params__ticket", "last_error")
    numbers = dict(Ticket.objects.filter(pk__in=ticket_ids).values_list("pk", "number"))
    return sorted((numbers[ticket_id], error) for ticket_id, error in failed)


# --- auto-close ---------------------------------------------------------------------------------


def _closed_state() -> TicketState:
    return (
        TicketState.objects.filter(name="closed").first()
        or TicketState.objects.filter(state_type="closed").order_by("id").first()
    )


def _close_all(queryset) -> int:
    """Close every ticket the rule selects, each in its own transaction with its event."""
    closed_state = _closed_state()
    closed = 0
    for ticket_id in list(queryset.values_list("pk", flat=True)):
        with transaction.atomic():
            ticket = (
                queryset.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=ticket_id)
                .first()
            )
            if ticket is None:  # closed meanwhile, or another worker holds it
                continue
            ticket_set_state(ticket=ticket, state=closed_state, by=None)
            closed += 1
    return closed


def pending_auto_close_run(*, now: datetime | None = None) -> int:
    """Close pending-auto-close tickets whose pending time is reached."""
    return _close_all(Ticket.objects.auto_close_due(now or timezone.now()))


def resolved_auto_close_run(*, now: datetime | None = None) -> int:
    """Close tickets resolved at least `HELPDESK_AUTO_CLOSE_DAYS` days ago."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.HELPDESK_AUTO_CLOSE_DAYS)
    return _close_all(Ticket.objects.resolved_before(cutoff))


# --- Celery tasks ---------------------------------------------------------------------------------


@shared_task(name="tickets.tasks.send_reminders")
def send_reminders() -> int:
    """Beat: owe a reminder for every ticket whose pending time was reached."""
    return len(notices_run(REMINDER))


@shared_task(name="tickets.tasks.check_escalations")
def check_escalations() -> int:
    """Beat: owe an escalation notice for every newly escalated ticket."""
    return len(notices_run(ESCALATION))


@shared_task(name="tickets.tasks.auto_close_pending")
def auto_close_pending() -> int:
    return pending_auto_close_run()


@shared_task(name="tickets.tasks.auto_close_resolved")
def auto_close_resolved() -> int:
    return resolved_auto_close_run()
