"""Celery tasks of the tickets app, one module per concern.

Each module lists its tasks here explicitly so `autodiscover_tasks()` (which imports
`tickets.tasks`) registers them all.
"""

from . import notifications  # noqa: F401  (registers the notification tasks)
from .mail import send_article_email  # noqa: F401  (re-exported for autodiscovery)
from .periodic import (  # noqa: F401  (re-exported for autodiscovery and beat)
    auto_close_pending,
    auto_close_resolved,
    check_escalations,
    notify_escalation,
    notify_reminder,
    send_reminders,
)
