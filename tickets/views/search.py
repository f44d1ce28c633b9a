from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from helpdesk.auth import agent_required
from helpdesk.pagination import CappedPaginator

from ..filters import TicketFilter
from ..selectors import tickets_for_agent

PAGE_SIZE = 25
COLUMNS = (
    ("number", _("Number")),
    ("title", _("Title")),
    ("customer", _("Customer")),
    (None, _("Customer user")),
    ("state", _("State")),
    ("priority", _("Priority")),
    ("queue", _("Queue")),
    (None, _("Owner")),
    ("escalation", _("Escalation")),
    ("created", _("Created")),
)


def _columns(current: str) -> list[dict]:
    """Header cells: the `o` value each links to (ascending first) and the current direction."""
    columns = []
    for key, label in COLUMNS:
        direction = "asc" if current == key else "desc" if current == f"-{key}" else ""
        link = (f"-{key}" if direction == "asc" else key) if key else None
        columns.append({"key": key, "label": label, "o": link, "dir": direction})
    return columns


def search_filter(request) -> TicketFilter:
    """The search's FilterSet over the tickets the agent may see: the list and its export."""
    return TicketFilter(
        request.GET or None, queryset=tickets_for_agent(request.user).for_list(), request=request
    )


def _error_summary(form) -> list[tuple[str, str]]:
    """(field label, message) for each error: the summary names fields as the form shows them."""
    return [
        (str(form.fields[name].label) if name in form.fields else "", error)
        for name, errors in form.errors.items()
        for error in errors
    ]


@agent_required
@vary_on_headers("HX-Request")
def ticket_list(request):
    """Ticket search: a FilterSet over the agent's visible tickets, sorted and paginated."""
    ticket_filter = search_filter(request)
    order = ""
    if ticket_filter.is_bound and ticket_filter.is_valid():
        order = (ticket_filter.form.cleaned_data.get("o") or [""])[0]
    paginator = CappedPaginator(ticket_filter.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "filter": ticket_filter,
        "page": page,
        "tickets": page.object_list,
        "columns": _columns(order),
        "current_order": order,
        "filter_errors": _error_summary(ticket_filter.form) if ticket_filter.is_bound else [],
    }
    template = "tickets/list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)
