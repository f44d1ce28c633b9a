"""Celery tasks of the tickets app, one module per concern.

Each module lists its tasks here explicitly so `autodiscover_tasks()` (which imports
`tickets.tasks`) registers them all.
"""

from .mail import send_article_email  # noqa: F401  (re-exported for autodiscovery)
