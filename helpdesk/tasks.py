"""Celery tasks of the helpdesk app, listed here so `autodiscover_tasks()` registers them."""

from .outbox import deliver_outbox, sweep_outbox

__all__ = ["deliver_outbox", "sweep_outbox"]
