"""The ticket search as CSV: the search's filters and visibility, streamed row by row."""

from __future__ import annotations

import csv
from datetime import datetime

from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from customers.csv_io import cell_out
from helpdesk.auth import agent_required

from .search import search_filter

CHUNK_SIZE = 500
HEADERS = (
    _("Number"),
    _("Title"),
    _("Customer"),
    _("Customer user"),
    _("State"),
    _("Priority"),
    _("Queue"),
    _("Owner"),
    _("Service"),
    _("Created"),
    pgettext_lazy("date", "Closed"),
    _("Escalation"),
)


class _Echo:
    """A file-like object for csv.writer whose write hands the line back."""

    def write(self, value):
        return value


def _iso(value: datetime | None, zone) -> str:
    return value.astimezone(zone).isoformat(timespec="seconds") if value else ""


def _row(ticket, zone) -> list:
    owner = ticket.owner
    return [
        ticket.number,
        ticket.title,
        ticket.customer.customer_id if ticket.customer else "",
        ticket.customer_user.login if ticket.customer_user else "",
        gettext(ticket.state.label),
        gettext(ticket.priority.name),
        gettext(ticket.queue.name),
        (owner.get_full_name() or owner.username) if owner else "",
        gettext(ticket.service.name) if ticket.service else "",
        _iso(ticket.created_at, zone),
        _iso(ticket.closed_at, zone),
        _iso(ticket.escalation_due, zone),
    ]


@agent_required
@require_GET
def ticket_export(request):
    """Every ticket of the search (no page, no cap), in the viewer's language and zone."""
    ticket_filter = search_filter(request)
    if ticket_filter.is_bound and not ticket_filter.form.is_valid():
        # The list shows what is wrong with the search.
        return redirect(f"{reverse('tickets:list')}?{request.GET.urlencode()}")
    # The response streams after the view returns: keep the request's language and zone.
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    tickets = ticket_filter.qs.iterator(chunk_size=CHUNK_SIZE)

    def lines():
        writer = csv.writer(_Echo())
        with translation.override(language):
            yield "\ufeff" + writer.writerow([cell_out(h) for h in HEADERS])
            for ticket in tickets:
                yield writer.writerow([cell_out(v) for v in _row(ticket, zone)])

    stamp = timezone.localtime(timezone=zone).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.csv"'
    return response
