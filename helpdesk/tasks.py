"""Celery tasks of the helpdesk app, listed here so `autodiscover_tasks()` registers them."""

from .outbox import deliver_outbox, deliver_outbox_key, sweep_outbox

__all__ = ["deliver_outbox", "deliver_outbox_key", "sweep_outbox"]
