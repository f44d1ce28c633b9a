"""Periodic ticket work: pending reminders, escalation notices and the two auto-closes.

Beat (`CELERY_BEAT_SCHEDULE`) runs the four dispatcher tasks every `HELPDESK_BEAT_SECONDS`;
`manage.py send_reminders`, `check_escalations` and `auto_close` run the same functions
synchronously for sites that prefer cron.

Exactly once, also across retries and concurrent workers:

- A notice is one email per ticket (every recipient in `To`), so a failed send has sent
  nothing and its retry cannot duplicate a part of it.
- The ticket row is claimed with `select_for_update(skip_locked=True)` under the rule that
  selects it, so a second worker (or the next beat run) skips a ticket that is being handled
  and finds nothing to do once it is done.
- The marker (`reminder_notified_for` / `escalation_notified_for` = the due time the notice was
  for) is written in the same transaction, after the send succeeded. A mail error rolls the
  transaction back and Celery retries with exponential back-off; a new due time re-arms it.
- Auto-close changes the state through `ticket_set_state`, which writes the `TicketEvent`; a
  closed ticket no longer matches the rule.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tickets.models import Ticket, TicketState
from tickets.selectors import agent_may_see, agents_of_queue
from tickets.services import ticket_set_state

__all__ = [
    "auto_close_pending",
    "auto_close_resolved",
    "check_escalations",
    "escalation_notify",
    "notify_escalation",
    "notify_now",
    "notify_reminder",
    "pending_auto_close_run",
    "reminder_notify",
    "resolved_auto_close_run",
    "send_reminders",
]

logger = logging.getLogger(__name__)

# smtplib.SMTPException is an OSError already; both are named so the intent is plain.
MAIL_ERRORS = (OSError, smtplib.SMTPException)
RETRY = {
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}
CONTEXT_RELATED = ("queue", "state", "priority", "owner", "responsible", "customer")


# --- recipients -------------------------------------------------------------------------------


def _may_see(user, ticket: Ticket) -> bool:
    return user is not None and bool(user.email) and agent_may_see(user, ticket)


def _queue_team(ticket: Ticket) -> list:
    return list(agents_of_queue(ticket.queue_id).exclude(email=""))


def reminder_recipients(ticket: Ticket) -> list[str]:
    """The owner; the queue's team when there is no owner or the owner lost access."""
    people = [ticket.owner] if _may_see(ticket.owner, ticket) else _queue_team(ticket)
    return sorted({p.email for p in people})


def escalation_recipients(ticket: Ticket) -> list[str]:
    """Owner and responsible; the queue's team when neither may see the ticket."""
    people = [u for u in (ticket.owner, ticket.responsible) if _may_see(u, ticket)]
    return sorted({p.email for p in people or _queue_team(ticket)})


# --- sending ------------------------------------------------------------------------------------


def _ticket_path(ticket: Ticket) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse("tickets:detail", args=[ticket.number])
    except NoReverseMatch:  # pragma: no cover - the route is part of the stable names
        return ""
    return getattr(settings, "HELPDESK_BASE_URL", "").rstrip("/") + path


def _send(template: str, ticket: Ticket, recipients: list[str], **extra) -> None:
    context = {"ticket": ticket, "ticket_url": _ticket_path(ticket), **extra}
    message = EmailMultiAlternatives(
        subject=" ".join(render_to_string(f"{template}_subject.txt", context).split()),
        body=render_to_string(f"{template}.txt", context),
        from_email=ticket.queue.email or settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()


def _claim(queryset, ticket_id: int) -> Ticket | None:
    """Lock the ticket if the rule still selects it and nobody else holds it."""
    ticket = queryset.select_for_update(skip_locked=True, of=("self",)).filter(pk=ticket_id).first()
    if ticket is None:
        return None
    # Related rows for the email, read without locks.
    return Ticket.objects.select_related(*CONTEXT_RELATED).get(pk=ticket.pk)


def reminder_notify(*, ticket_id: int, now: datetime | None = None) -> bool:
    """Send the pending reminder of one ticket once for its `pending_until`.

    Returns False when there was nothing to do (not due, already sent, or being sent).
    Raises a mail error (and writes nothing) when sending failed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _claim(Ticket.objects.reminder_notice_due(now), ticket_id)
        if ticket is None:
            return False
        recipients = reminder_recipients(ticket)
        if recipients:
            _send("emails/reminder", ticket, recipients, due=ticket.pending_until)
        else:
            logger.warning("Reminder of ticket %s has no recipient.", ticket.number)
        Ticket.objects.filter(pk=ticket.pk).update(reminder_notified_for=ticket.pending_until)
    return True


ESCALATION_LABELS = (
    ("first_response_due", "First response"),
    ("update_due", "Update"),
    ("solution_due", "Solution"),
)


def escalation_notify(*, ticket_id: int, now: datetime | None = None) -> bool:
    """Send the escalation notice of one ticket once for its `escalation_due`."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _claim(Ticket.objects.escalation_notice_due(now), ticket_id)
        if ticket is None:
            return False
        recipients = escalation_recipients(ticket)
        overdue = [
            (label, getattr(ticket, field))
            for field, label in ESCALATION_LABELS
            if getattr(ticket, field) is not None and getattr(ticket, field) <= now
        ]
        if recipients:
            _send(
                "emails/escalation", ticket, recipients, due=ticket.escalation_due, overdue=overdue
            )
        else:
            logger.warning("Escalation of ticket %s has no recipient.", ticket.number)
        Ticket.objects.filter(pk=ticket.pk).update(escalation_notified_for=ticket.escalation_due)
    return True


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


@shared_task(name="tickets.tasks.notify_reminder", **RETRY)
def notify_reminder(ticket_id: int) -> bool:
    return reminder_notify(ticket_id=ticket_id)


@shared_task(name="tickets.tasks.notify_escalation", **RETRY)
def notify_escalation(ticket_id: int) -> bool:
    return escalation_notify(ticket_id=ticket_id)


def _dispatch(task, notify, queryset) -> int:
    """One task per selected ticket, so a mail error retries that ticket only."""
    if task.app.conf.task_always_eager:
        # No broker, so no worker to retry later: run here like the cron commands do; a failed
        # ticket keeps its marker unset and the next run tries it again.
        sent, failures = notify_now(notify, queryset)
        for number, error in failures:
            logger.error("%s failed for ticket %s: %r", task.name, number, error)
        return sent + len(failures)
    ids = list(queryset.values_list("pk", flat=True))
    for ticket_id in ids:
        task.delay(ticket_id)
    return len(ids)


def notify_now(notify, queryset) -> tuple[int, list[tuple[str, Exception]]]:
    """The cron path: run `notify` for every selected ticket in this process.

    Returns the number of notices sent and the (ticket number, error) of each failed send;
    a failed ticket keeps its marker unset, so the next run tries it again.
    """
    sent, failures = 0, []
    for ticket_id, number in list(queryset.values_list("pk", "number")):
        try:
            sent += notify(ticket_id=ticket_id)
        except MAIL_ERRORS as exc:
            failures.append((number, exc))
    return sent, failures


@shared_task(name="tickets.tasks.send_reminders")
def send_reminders() -> int:
    """Beat: queue a reminder for every ticket whose pending time was reached."""
    return _dispatch(notify_reminder, reminder_notify, Ticket.objects.reminder_notice_due())


@shared_task(name="tickets.tasks.check_escalations")
def check_escalations() -> int:
    """Beat: queue an escalation notice for every newly escalated ticket."""
    return _dispatch(notify_escalation, escalation_notify, Ticket.objects.escalation_notice_due())


@shared_task(name="tickets.tasks.auto_close_pending")
def auto_close_pending() -> int:
    return pending_auto_close_run()


@shared_task(name="tickets.tasks.auto_close_resolved")
def auto_close_resolved() -> int:
    return resolved_auto_close_run()
