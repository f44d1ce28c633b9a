"""One request: the public log, update, reopen, close, and attachment downloads.

Every view fetches through `get_ticket_for_portal` / `get_attachment_for_portal`, so anyone
else's request answers 404 for the page, its files and every action.
"""

import re

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.auth import portal_user_required
from helpdesk.downloads import download
from helpdesk.services import submit_once
from tickets.services import TicketError, ticket_close_by_customer

from ..forms import CloseForm, ReopenForm, UpdateForm
from ..selectors import get_attachment_for_portal, get_ticket_for_portal, public_articles
from ..services import portal_request_reopen, portal_request_update

# A conflicting action (closed request, not resolved yet) answers 409 and changes nothing.
CONFLICT = 409


def _with_speakers(ticket, articles) -> list:
    """`speaker_id` and `speaker_name` of each customer article: who said its words. An agent
    who typed a caller's words (a phone ticket) is not the speaker: the customer user is."""
    articles = list(articles)
    caller = ticket.customer_user
    for article in articles:
        author = article.author
        if author is not None and caller is not None and not hasattr(author, "customer_user"):
            article.speaker_id, article.speaker_name = caller.user_id, caller.full_name
        elif author is not None:
            article.speaker_id, article.speaker_name = author.pk, author.get_full_name()
        else:
            article.speaker_id, article.speaker_name = None, ""
    return articles


def _render_detail(request, ticket, *, status=200, **forms):
    state_type = ticket.state.state_type
    context = {
        "ticket": ticket,
        "articles": _with_speakers(ticket, public_articles(ticket)),
        "show_caller": request.customer_user.is_power_user,
        "can_update": ticket.state.category == "incomplete",
        "can_answer": state_type == "resolved",
    }
    if context["can_update"]:
        context["update_form"] = forms.get("update_form") or UpdateForm()
    if context["can_answer"]:
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm()
        context["close_form"] = forms.get("close_form") or CloseForm()
        context["open_panel"] = (
            "reopen" if "reopen_form" in forms else "close" if "close_form" in forms else ""
        )
    return render(request, "portal/detail.html", context, status=status)


def _refused(request, ticket, error):
    messages.error(request, str(error))
    return _render_detail(request, ticket, status=CONFLICT)


@portal_user_required
def detail(request, number):
    ticket = get_ticket_for_portal(request.customer_user, number)
    return _render_detail(request, ticket)


def _act(request, ticket, form, name: str, work, *, applies: bool, refusal: str):
    """A valid form: `work()` (returning the thank-you message) once per form key
    (`submit_once`; a repeat answers the first one's message), then back to the request. A
    refused change answers 409 with the reason; an invalid form shows again with its errors,
    or 409 when the action no longer applies to the request."""
    if form.is_valid():
        try:
            message, _first = submit_once(
                user=request.user,
                action=f"portal:{name}:{ticket.number}",
                key=form.cleaned_data["key"],
                work=work,
            )
        except TicketError as error:
            return _refused(request, ticket, error)
        messages.success(request, message)
        return redirect("portal:detail", ticket.number)
    if not applies:
        return _refused(request, ticket, refusal)
    return _render_detail(request, ticket, **{f"{name}_form": form})


@require_POST
@portal_user_required
def update(request, number):
    ticket = get_ticket_for_portal(request.customer_user, number)
    form = UpdateForm(request.POST, request.FILES)

    def add_update() -> str:
        portal_request_update(
            ticket=ticket,
            customer_user=request.customer_user,
            comment=form.cleaned_data["comment"],
            attachments=form.cleaned_data["attachments"],
        )
        return _("Thank you, your update was added to the request.")

    applies = ticket.state.category == "incomplete"
    refusal = _("This request can no longer be updated.")
    return _act(request, ticket, form, "update", add_update, applies=applies, refusal=refusal)


@require_POST
@portal_user_required
def reopen(request, number):
    ticket = get_ticket_for_portal(request.customer_user, number)
    form = ReopenForm(request.POST)

    def reopen_request() -> str:
        portal_request_reopen(
            ticket=ticket,
            customer_user=request.customer_user,
            comment=form.cleaned_data["comment"],
        )
        return _("The request is open again; support has been told.")

    applies = ticket.state.state_type == "resolved"
    refusal = _("Only a resolved request can be reopened.")
    return _act(request, ticket, form, "reopen", reopen_request, applies=applies, refusal=refusal)


@require_POST
@portal_user_required
def close(request, number):
    ticket = get_ticket_for_portal(request.customer_user, number)
    form = CloseForm(request.POST)

    def close_request() -> str:
        ticket_close_by_customer(
            ticket=ticket,
            by=request.user,
            satisfaction=form.cleaned_data["satisfaction"],
            comment=form.cleaned_data["comment"],
        )
        return _("Thank you for your feedback. The request is closed.")

    applies = ticket.state.state_type == "resolved"
    refusal = _("Only a resolved request can be closed.")
    return _act(request, ticket, form, "close", close_request, applies=applies, refusal=refusal)


def safe_filename(name: str) -> str:
    """Keep letters, digits, dot, dash, underscore and space; never a path or a quote."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ]", "_", name).strip(" .")
    return name[:150] or "attachment"


@portal_user_required
def attachment(request, pk):
    attachment = get_attachment_for_portal(request.customer_user, pk)
    return download(
        attachment.file.open("rb"),
        filename=safe_filename(attachment.filename),
        content_type=attachment.content_type or "application/octet-stream",
    )
