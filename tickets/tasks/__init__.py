"""Celery tasks of the tickets app, one module per concern.

Each module lists its tasks here explicitly so `autodiscover_tasks()` (which imports
`tickets.tasks`) registers them all. The ticket emails go through the outbox
(tickets/emails.py, helpdesk/outbox.py).
"""

from .periodic import (  # noqa: F401  (re-exported for autodiscovery and beat)
    auto_close_pending,
    auto_close_resolved,
    check_escalations,
    send_reminders,
)
