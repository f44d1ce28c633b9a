from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from contracts.models import Contract
from helpdesk.auth import agent_required

from ..forms import ArticleForm, NoteForm, StateForm, TicketUpdateForm, TimeForm
from ..selectors import get_attachment_for_agent, get_ticket_for_agent, ticket_articles


def zoom_context(request, ticket, **forms) -> dict:
    """Everything the zoom shows, in a fixed number of queries; `forms` replace the blank ones."""
    contract = None
    if ticket.contract_id:
        contract = Contract.objects.filter(pk=ticket.contract_id).first()
    minutes = ticket.time_entries.aggregate(total=Coalesce(Sum("minutes"), 0))["total"]
    pending = timezone.localtime(ticket.pending_until) if ticket.pending_until else None
    context = {
        "ticket": ticket,
        "articles": ticket_articles(ticket),
        "events": ticket.events.select_related("actor").order_by("created_at", "id"),
        "contract": contract,
        "minutes_total": minutes,
        "reply_form": ArticleForm(),
        "note_form": NoteForm(),
        "state_form": StateForm(
            initial={"state": ticket.state.name, "pending_until": pending},
        ),
        "time_form": TimeForm(),
        "update_form": TicketUpdateForm(ticket=ticket, user=request.user),
    }
    context.update({f"{name}_form": form for name, form in forms.items()})
    return context


@agent_required
@vary_on_headers("HX-Request")
def ticket_detail(request, number):
    ticket = get_ticket_for_agent(request.user, number)
    template = "tickets/detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#zoom"
    return render(request, template, zoom_context(request, ticket))


@agent_required
def attachment_download(request, pk):
    """Always a download, never rendered by the browser (no inline HTML from customers)."""
    attachment = get_attachment_for_agent(request.user, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
