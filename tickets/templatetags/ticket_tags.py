"""Small display helpers for ticket templates."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()

WARNING_WINDOW = timedelta(hours=1)


@register.filter
def due_class(due) -> str:
    """The colour of a due time: `due-overdue` from its moment on, `due-warning` while it is at
    most an hour ahead, else nothing.

    Both edges are inclusive: a time due exactly now has come, and a time due in exactly an
    hour is "within the hour"; the agent is warned a moment early rather than a moment late."""
    if due is None:
        return ""
    now = timezone.now()
    if due <= now:
        return "due-overdue"
    if due - now <= WARNING_WINDOW:
        return "due-warning"
    return ""


@register.filter
def progress_step(percent) -> int:
    """Nearest Bootstrap width class step (w-25 … w-100): no inline styles under our CSP."""
    percent = int(percent or 0)
    return min(100, max(0, round(percent / 25) * 25))


@register.filter
def agent_name(user, empty: str = "–") -> str:
    """Full name, else username; `empty` for nobody."""
    if user is None:
        return empty
    return user.get_full_name() or user.username


EVENT_LABELS = {
    "created": "Created",
    "article": "Article added",
    "state": "State",
    "pending_until": "Pending until",
    "lock": "Locked",
    "unlock": "Unlocked",
    "owner": "Owner",
    "responsible": "Responsible",
    "queue": "Queue",
    "priority": "Priority",
    "service": "Service",
    "sla": "SLA",
    "contract": "Contract",
    "type": "Type",
    "time": "Time accounted",
    "email_sent": "Email sent",
    "satisfaction": "Satisfaction",
}


@register.filter
def event_label(action: str) -> str:
    return EVENT_LABELS.get(action, action.replace("_", " ").capitalize())


@register.filter
def iso_datetime(value: str):
    """An ISO timestamp stored as text (event values) as an aware datetime, else the text."""
    try:
        return timezone.localtime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return value
