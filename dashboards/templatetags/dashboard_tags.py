"""Small template helpers of the dashboards: links into other apps and due-time colours."""

from datetime import timedelta
from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse

from helpdesk.pagination import capped_label

register = template.Library()

WARNING_WINDOW = timedelta(hours=1)


@register.simple_tag
def route(name: str, *args) -> str:
    """`reverse(name, args)`, or "" when the route does not exist (yet): the link is left out."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def ticket_search(**params) -> str:
    """The ticket search (`tickets:list`) filtered by the given stable parameters."""
    try:
        base = reverse("tickets:list")
    except NoReverseMatch:
        return ""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


@register.filter
def due_class(value, now) -> str:
    """`due-overdue` when the time has passed, `due-warning` within the next hour."""
    if not value or not now:
        return ""
    if value <= now:
        return "due-overdue"
    if value - now <= WARNING_WINDOW:
        return "due-warning"
    return ""


@register.filter
def row_count(value) -> str:
    """A widget row's ticket count, "1,000+" past `ROW_COUNT_CAP`."""
    from dashboards.selectors import ROW_COUNT_CAP

    return capped_label(value or 0, ROW_COUNT_CAP)
