"""Small template helpers of the dashboards: links into other apps, a ticket row's due time."""

import re
from urllib.parse import quote_plus, urlencode

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from dashboards import selectors
from dashboards.widgets import REMINDER
from helpdesk.pagination import capped_label

register = template.Library()


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
def search_value(value) -> str:
    """A value in a ticket search link written by hand, encoded as `ticket_search` does: rows
    take the search's address once (`{% url 'tickets:list' as search %}`) and add their
    values with this filter."""
    return quote_plus(str(value))


@register.filter
def row_due(ticket, widget):
    """The time in a ticket widget's last column: the reminder time in Reminder Tickets, the
    escalation time in the others."""
    return ticket.pending_until if widget.key == REMINDER.key else ticket.escalation_due


@register.filter
def row_count(value) -> str:
    """A widget row's ticket count, "1,000+" past `ROW_COUNT_CAP`."""
    return capped_label(value or 0, selectors.ROW_COUNT_CAP)


@register.filter
def email_breaks(address: str) -> str:
    """An address that may wrap at its "@" and dots in a narrow column, never mid-word."""
    *head, last = re.split(r"(?=[@.])", address or "")
    return format_html("{}{}", format_html_join("", "{}<wbr>", ((part,) for part in head)), last)
