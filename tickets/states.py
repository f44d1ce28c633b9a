"""Ticket state types, their categories (DESIGN §5), and the ids of the states of each type.

A ticket's rule by state type ("incomplete", "new", …) filters on `state_id` with the ids of
the states of those types, so an index that starts with `(customer_id, state_id)` or
`(customer_user_id, state_id)` answers it without a join to the states. The ids come from a
cached map of the catalogue: `TicketState` writes forget it (tickets/models.py), and other
processes load it again after `CACHE_SECONDS`.
"""

from django.apps import apps
from django.core.cache import cache
from django.db import models, transaction


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

CACHE_KEY = "tickets:state-ids-by-type"
CACHE_SECONDS = 60


def state_ids(*types: str) -> list[int]:
    """Ids of the ticket states of these types, in id order."""
    by_type = cache.get(CACHE_KEY)
    if by_type is None:
        # tickets/models.py imports this module (and the rules that use it), so the model is
        # looked up by name when the map is loaded.
        states = apps.get_model("tickets", "TicketState").objects.order_by("pk")
        by_type = {}
        for pk, state_type in states.values_list("pk", "state_type"):
            by_type.setdefault(state_type, []).append(pk)
        cache.set(CACHE_KEY, by_type, CACHE_SECONDS)
    return sorted(pk for state_type in set(types) for pk in by_type.get(state_type, ()))


def forget_state_ids() -> None:
    """Drop the cached map now, for this transaction's next read, and again once the change is
    committed, in case a read in between cached the catalogue as it was before."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
