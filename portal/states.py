"""State names meant for customers (the portal and customer-facing emails).

Agents work with the precise workflow states (`TicketState.label`); a customer only needs to
know where the request stands. The default catalogue's states are named by their `name`; a
custom state falls back to the name of its `state_type`. Agents keep the precise names.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from tickets.models import TicketState
from tickets.states import StateType

RECEIVED = pgettext_lazy("customer state", "Received")
IN_PROGRESS = pgettext_lazy("customer state", "In progress")
ON_HOLD = pgettext_lazy("customer state", "On hold")
CLOSES_SOON = pgettext_lazy("customer state", "Resolved – closes soon")
RESOLVED = pgettext_lazy("customer state", "Resolved")
CLOSED = pgettext_lazy("customer state", "Closed")
CANCELLED = pgettext_lazy("customer state", "Cancelled")
MERGED = pgettext_lazy("customer state", "Merged")
REMOVED = pgettext_lazy("customer state", "Removed")

# The default catalogue (tickets/migrations/0002_default_catalogue.py), by state name.
BY_NAME = {
    "new": RECEIVED,
    "open": IN_PROGRESS,
    "in_progress": IN_PROGRESS,
    "awaiting_approval": IN_PROGRESS,
    "planning": IN_PROGRESS,
    "awaiting_implementation": IN_PROGRESS,
    "implementing": IN_PROGRESS,
    "declined": IN_PROGRESS,
    "awaiting_backout": IN_PROGRESS,
    "pending": ON_HOLD,
    "pending_auto_close": CLOSES_SOON,
    "resolved": RESOLVED,
    "closed": CLOSED,
    "completed": CLOSED,
    "cancelled": CANCELLED,
    "closed_with_backout": CLOSED,
    "merged": MERGED,
    "removed": REMOVED,
}

# Any other (custom) state, by its type.
BY_TYPE = {
    StateType.NEW: RECEIVED,
    StateType.OPEN: IN_PROGRESS,
    StateType.PENDING_REMINDER: ON_HOLD,
    StateType.PENDING_AUTO_CLOSE: CLOSES_SOON,
    StateType.RESOLVED: RESOLVED,
    StateType.CLOSED: CLOSED,
    StateType.MERGED: MERGED,
    StateType.REMOVED: REMOVED,
}


def customer_state_label(state: TicketState | None) -> str:
    """The customer's name of `state` in the active language ("" for no state)."""
    if state is None:
        return ""
    label = BY_NAME.get(state.name) or BY_TYPE.get(state.state_type)
    return str(label) if label is not None else state.label
