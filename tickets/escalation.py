"""Escalation due times (DESIGN §5), computed from the ticket's SLA, else its queue."""

from datetime import datetime, timedelta

from .states import INACTIVE_TYPES


def _minutes(ticket, field: str) -> int | None:
    if ticket.sla_id and getattr(ticket.sla, field) is not None:
        return getattr(ticket.sla, field)
    return getattr(ticket.queue, field)


def escalation_recompute(ticket, now: datetime) -> None:
    """Set the three due times and `escalation_due` on the (unsaved) ticket.

    - first response: created + minutes, until the first public agent article;
    - update: last customer contact + minutes, cleared while pending;
    - solution: created + minutes, until resolved/closed;
    - all cleared for resolved, closed, merged and removed tickets.
    """
    state_type = ticket.state.state_type
    created = ticket.created_at or now
    first = update = solution = None
    if state_type not in INACTIVE_TYPES:
        minutes = _minutes(ticket, "first_response_minutes")
        if minutes is not None and ticket.first_response_at is None:
            first = created + timedelta(minutes=minutes)
        minutes = _minutes(ticket, "update_minutes")
        if minutes is not None and not ticket.state.is_pending:
            update = (ticket.customer_contact_at or created) + timedelta(minutes=minutes)
        minutes = _minutes(ticket, "solution_minutes")
        if minutes is not None:
            solution = created + timedelta(minutes=minutes)
    ticket.first_response_due = first
    ticket.update_due = update
    ticket.solution_due = solution
    dues = [d for d in (first, update, solution) if d is not None]
    ticket.escalation_due = min(dues) if dues else None


ESCALATION_FIELDS = ["first_response_due", "update_due", "solution_due", "escalation_due"]
