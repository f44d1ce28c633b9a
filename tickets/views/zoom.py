from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.vary import vary_on_headers

from contracts.models import Contract
from helpdesk.auth import agent_required
from helpdesk.downloads import download
from helpdesk.sanitize import clean_html

from ..forms import NoteForm, ReplyForm, StateForm, TicketUpdateForm, TimeForm
from ..models import Article, TicketState
from ..selectors import get_attachment_for_agent, get_ticket_for_agent, ticket_articles
from ..templatetags.ticket_tags import agent_name

User = get_user_model()
STATE_EVENTS = ("state", "created")
PERSON_EVENTS = ("owner", "responsible")

# A long thread shows its latest articles and events; "Show all" loads the rest on request.
ZOOM_RECENT = 50


def _recent(queryset, show_all: bool) -> tuple[list, int]:
    """The rows of `queryset` (oldest first), only its latest `ZOOM_RECENT` unless `show_all`,
    and how many earlier rows that leaves out."""
    if show_all:
        return list(queryset), 0
    rows = list(queryset.reverse()[: ZOOM_RECENT + 1])[::-1]
    if len(rows) <= ZOOM_RECENT:
        return rows, 0
    return rows[1:], queryset.count() - ZOOM_RECENT


def _readable(events: list) -> list:
    """`from_text`/`to_text` of each event: stored keys (state names, usernames, "agent
    public") as the reader's words: state labels, full names, translated article kinds. At most
    two queries, and only when such events show."""
    states = {e_value for e in events if e.action in STATE_EVENTS for e_value in _values(e)}
    names = {e_value for e in events if e.action in PERSON_EVENTS for e_value in _values(e)}
    state_labels = (
        {s.name: str(s) for s in TicketState.objects.filter(name__in=states)} if states else {}
    )
    people = (
        {u.username: agent_name(u) for u in User.objects.filter(username__in=names)}
        if names
        else {}
    )
    for event in events:
        lookup = {}
        if event.action in STATE_EVENTS:
            lookup = state_labels
        elif event.action in PERSON_EVENTS:
            lookup = people
        event.from_text = lookup.get(event.from_value, event.from_value)
        event.to_text = lookup.get(event.to_value, event.to_value)
        if event.action == "article":
            event.to_text = _article_kind(event.to_value)
    return events


def _values(event) -> list[str]:
    return [v for v in (event.from_value, event.to_value) if v]


def _article_kind(value: str) -> str:
    """ "agent public" (sender type, visibility) as "Agent, public"."""
    sender, _space, visibility = value.partition(" ")
    if sender not in Article.SenderType.values or visibility not in ("public", "internal"):
        return value
    return (
        gettext("%(sender)s, public") if visibility == "public" else gettext("%(sender)s, internal")
    ) % {"sender": Article.SenderType(sender).label}


def _show_all(request) -> bool:
    return request.GET.get("all") == "1"


def thread_context(ticket, show_all: bool) -> dict:
    """The articles and the history (`#thread`), the latest only unless `show_all`."""
    articles, articles_hidden = _recent(ticket_articles(ticket), show_all)
    events, events_hidden = _recent(
        ticket.events.select_related("actor").order_by("created_at", "id"), show_all
    )
    return {
        "ticket": ticket,
        "articles": articles,
        "articles_hidden": articles_hidden,
        "events": _readable(events),
        "events_hidden": events_hidden,
    }


def zoom_context(request, ticket, **forms) -> dict:
    """Everything the zoom shows, in a fixed number of queries; `forms` replace the blank ones."""
    contract = None
    if ticket.contract_id:
        contract = Contract.objects.filter(pk=ticket.contract_id).first()
    minutes = ticket.time_entries.aggregate(total=Coalesce(Sum("minutes"), 0))["total"]
    pending = timezone.localtime(ticket.pending_until) if ticket.pending_until else None
    context = {
        **thread_context(ticket, _show_all(request)),
        "contract": contract,
        "minutes_total": minutes,
        "reply_form": ReplyForm(),
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
    if request.htmx and not request.htmx.history_restore_request:
        if _show_all(request):  # "Show N earlier articles": the whole thread alone
            return render(request, "tickets/detail.html#thread", thread_context(ticket, True))
        return render(request, "tickets/detail.html#zoom", zoom_context(request, ticket))
    return render(request, "tickets/detail.html", zoom_context(request, ticket))


@agent_required
def attachment_download(request, pk):
    """Always a download, never rendered by the browser (no inline HTML from customers)."""
    attachment = get_attachment_for_agent(request.user, pk)
    return download(
        attachment.file.open("rb"),
        filename=attachment.filename,
        content_type="application/octet-stream",
    )


# The sandbox runs no script and gives the document no origin; only inline images and styles.
ARTICLE_HTML_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
ARTICLE_HTML_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
    "body{{font:14px/1.5 system-ui,sans-serif;margin:.5rem;overflow-wrap:anywhere}}"
    "img{{max-width:100%}}table{{border-collapse:collapse}}"
    "blockquote{{margin:0 0 0 .25rem;padding-left:.75rem;border-left:3px solid #dee2e6;"
    "color:#6c757d}}"
    "</style></head><body>{body}</body></html>"
)


@agent_required
@xframe_options_sameorigin
def article_html(request, number, pk):
    """The sanitised HTML part of an email article, for the zoom's sandboxed frame."""
    ticket = get_ticket_for_agent(request.user, number)
    article = get_object_or_404(ticket.articles.exclude(body_html=""), pk=pk)
    # Cleaned when it came in; cleaned again here in case that rule was ever weaker.
    document = ARTICLE_HTML_PAGE.format(body=clean_html(article.body_html))
    response = HttpResponse(document, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = ARTICLE_HTML_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response
