"""Actions on one ticket (HTMX forms on the zoom). Each POST goes through a Form and a service.

On success an HTMX request gets the re-rendered zoom and a toast; a plain POST is redirected
to the zoom. Bad input answers 422 (the form-error status everywhere) with the action's form
and its errors (retargeted to the form), and changes nothing. Reply, note, state and time
carry a one-time key (`helpdesk.services.submit_once`): sent twice, the work is done once and
both answers are the same success.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from helpdesk.auth import agent_required
from helpdesk.responses import after_write
from helpdesk.services import submit_once

from .. import services
from ..forms import LockForm, NoteForm, ReplyForm, StateForm, TicketUpdateForm, TimeForm
from ..models import Article
from ..selectors import get_ticket_for_agent
from .zoom import zoom_context


def _done(request, number: str, message: str) -> HttpResponse:
    """The answer to a committed action: the zoom again (HTMX) or a redirect to it."""
    url = reverse("tickets:detail", args=[number])
    if not request.htmx:
        messages.success(request, message)
        return redirect(url)

    def zoom() -> HttpResponse:
        try:
            ticket = get_ticket_for_agent(request.user, number)
        except Http404:  # e.g. moved to a queue the agent does not see
            messages.success(request, message)
            return HttpResponseClientRedirect(reverse("tickets:list"))
        response = render(request, "tickets/detail.html#zoom", zoom_context(request, ticket))
        return trigger_client_event(response, "showMessage", message)

    return after_write(request, zoom, message=message, url=url)


def _form_response(request, ticket, name: str, form, status: int = 422, **extra) -> HttpResponse:
    """The action's form with its errors (or a prompt) in place of the form."""
    if request.htmx:
        context = {"ticket": ticket, f"{name}_form": form, **extra}
        response = render(request, f"tickets/detail.html#{name}-form", context, status=status)
        response["HX-Retarget"] = f"#action-{name}"
        response["HX-Reswap"] = "outerHTML"
        return response
    context = zoom_context(request, ticket, **{name: form})
    context.update(extra)
    return render(request, "tickets/detail.html", context, status=status)


def _act(request, ticket, form, name: str, action: str, work) -> HttpResponse:
    """Run `work()` (a service call returning the success message) once per form key
    (`submit_once`): the zoom again on success, the form with the refusal otherwise."""
    try:
        message, _ = submit_once(
            user=request.user,
            action=f"{action}:{ticket.number}",
            key=form.cleaned_data["key"],
            work=work,
        )
    except services.OverageRequired as prompt:
        return _form_response(request, ticket, name, form, status=200, overage_prompt=str(prompt))
    except services.TicketError as error:
        form.add_error(None, str(error))
        return _form_response(request, ticket, name, form)
    return _done(request, ticket.number, message)


@agent_required
@require_POST
def ticket_reply(request, number):
    ticket = get_ticket_for_agent(request.user, number)
    to = ticket.customer_user.email if ticket.customer_user else ""
    form = ReplyForm(request.POST, request.FILES, to=to)
    if not form.is_valid():
        return _form_response(request, ticket, "reply", form)

    def reply() -> str:
        services.ticket_reply(
            ticket=ticket,
            by=request.user,
            body=form.cleaned_data["body"],
            cc=form.cleaned_data["cc"],
            attachments=form.cleaned_data["attachments"],
        )
        cc = form.cleaned_data["cc"]
        addresses = ", ".join([ticket.customer_user.email, *cc])
        return gettext("Reply sent to %(addresses)s.") % {"addresses": addresses}

    return _act(request, ticket, form, "reply", "tickets:reply", reply)


@agent_required
@require_POST
def ticket_note(request, number):
    """Internal note (default) or phone call note (`kind=phone`, shown to the customer)."""
    ticket = get_ticket_for_agent(request.user, number)
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_response(request, ticket, "note", form)
    phone = form.cleaned_data["kind"] == "phone"

    def note() -> str:
        services.article_add(
            ticket=ticket,
            by=request.user,
            body=form.cleaned_data["body"],
            sender_type=Article.SenderType.AGENT,
            is_public=phone,
            channel=Article.ArticleChannel.PHONE if phone else Article.ArticleChannel.NOTE,
            subject="Phone call" if phone else "Note",
            attachments=form.cleaned_data["attachments"],
        )
        return gettext("Phone call noted.") if phone else gettext("Note added.")

    return _act(request, ticket, form, "note", "tickets:note", note)


@agent_required
@require_POST
def ticket_state(request, number):
    ticket = get_ticket_for_agent(request.user, number)
    form = StateForm(request.POST)
    if not form.is_valid():
        return _form_response(request, ticket, "state", form)
    state = form.cleaned_data["state"]

    def set_state() -> str:
        services.ticket_set_state(
            ticket=ticket,
            state=state,
            by=request.user,
            pending_until=form.cleaned_data["pending_until"] if state.is_pending else None,
        )
        return gettext("State set to %(state)s.") % {"state": gettext(state.label)}

    return _act(request, ticket, form, "state", "tickets:set-state", set_state)


@agent_required
@require_POST
def ticket_time(request, number):
    """Book time; a contract out of hours first asks to accept more time (200, nothing saved)."""
    ticket = get_ticket_for_agent(request.user, number)
    form = TimeForm(request.POST)
    if not form.is_valid():
        return _form_response(request, ticket, "time", form)
    data = form.cleaned_data

    def add_time() -> str:
        services.ticket_add_time(
            ticket=ticket,
            by=request.user,
            minutes=data["minutes"],
            note=data["note"],
            accept_overage=data["accept_overage"],
        )
        return ngettext(
            "%(minutes)s minute added.", "%(minutes)s minutes added.", data["minutes"]
        ) % {"minutes": data["minutes"]}

    return _act(request, ticket, form, "time", "tickets:add-time", add_time)


@agent_required
@require_POST
def ticket_lock_toggle(request, number):
    ticket = get_ticket_for_agent(request.user, number)
    form = LockForm(request.POST)
    if not form.is_valid():
        return _form_response(request, ticket, "lock", form)
    locked = form.cleaned_data["locked"]
    if locked is None:
        locked = not ticket.is_locked
    services.ticket_lock(ticket=ticket, by=request.user, locked=locked)
    message = gettext("Ticket locked.") if locked else gettext("Ticket unlocked.")
    return _done(request, number, message)


@agent_required
@require_http_methods(["GET", "POST"])
def ticket_fields(request, number):
    """Owner, responsible, queue, priority, service, SLA, contract or type (those posted).

    GET is the blank form, which the zoom loads when its tab opens (a plain GET goes to the
    zoom)."""
    ticket = get_ticket_for_agent(request.user, number)
    if request.method == "GET":
        if not request.htmx:
            return redirect("tickets:detail", number)
        form = TicketUpdateForm(ticket=ticket, user=request.user)
        context = {"ticket": ticket, "update_form": form}
        return render(request, "tickets/detail.html#update-form", context)
    form = TicketUpdateForm(request.POST, ticket=ticket, user=request.user)
    if form.is_valid():
        changes = form.changes()
        if not changes:
            form.add_error(None, gettext("Nothing to change."))
        else:
            try:
                services.ticket_update(ticket=ticket, by=request.user, **changes)
            except services.TicketError as error:
                form.add_error(None, str(error))
            else:
                return _done(request, number, gettext("Ticket updated."))
    return _form_response(request, ticket, "update", form)
