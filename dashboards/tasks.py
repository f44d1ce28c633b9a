"""Celery tasks of the dashboards app."""

from celery import shared_task

from .stats import ticket_stats_refresh


@shared_task
def refresh_ticket_stats() -> int:
    """Recount the agent dashboard's ticket stats (beat, every `HELPDESK_STATS_SECONDS`)."""
    return ticket_stats_refresh()
