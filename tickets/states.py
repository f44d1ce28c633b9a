"""Ticket state types and their categories (DESIGN §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StateType(models.TextChoices):
    NEW = "new", _("new")
    OPEN = "open", _("open")
    PENDING_REMINDER = "pending_reminder", _("pending reminder")
    PENDING_AUTO_CLOSE = "pending_auto_close", _("pending auto close")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")
    MERGED = "merged", _("merged")
    REMOVED = "removed", _("removed")


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
