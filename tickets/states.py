"""Ticket state types and their categories (DESIGN §5)."""

from django.db import models


class StateType(models.TextChoices):
    NEW = "new", "new"
    OPEN = "open", "open"
    PENDING_REMINDER = "pending_reminder", "pending reminder"
    PENDING_AUTO_CLOSE = "pending_auto_close", "pending auto close"
    RESOLVED = "resolved", "resolved"
    CLOSED = "closed", "closed"
    MERGED = "merged", "merged"
    REMOVED = "removed", "removed"


INCOMPLETE_TYPES = (
    StateType.NEW,
    StateType.OPEN,
    StateType.PENDING_REMINDER,
    StateType.PENDING_AUTO_CLOSE,
)
COMPLETED_TYPES = (StateType.RESOLVED, StateType.CLOSED)
PENDING_TYPES = (StateType.PENDING_REMINDER, StateType.PENDING_AUTO_CLOSE)
# Done with: escalation does not run for these.
INACTIVE_TYPES = (StateType.RESOLVED, StateType.CLOSED, StateType.MERGED, StateType.REMOVED)
