"""New phone and email tickets, the dependent customer fields and the New Customer Contact modal."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from customers.forms import ContactForm
from customers.models import Customer
from customers.services import CustomerError, can_manage_customers
from customers.views.common import customer_admin_required
from helpdesk.auth import agent_required
from helpdesk.services import submit_once

from .. import services
from ..forms import PrefillForm, TicketCreateForm, create_initial
from ..models import Article

CHANNELS = {
    "phone": {"title": _("New phone ticket"), "icon": "telephone", "url": "tickets:new-phone"},
    "email": {"title": _("New email ticket"), "icon": "envelope", "url": "tickets:new-email"},
}


def _ticket_new(request, channel: str):
    if request.method == "POST":
        form = TicketCreateForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            key = data.pop("key")
            customer_user = data.pop("customer_user")
            fields = {"by": request.user, **data}

            def create() -> str:
                if channel == "email":
                    ticket = services.ticket_create_by_email(customer_user=customer_user, **fields)
                else:
                    ticket = services.ticket_create(
                        customer_user=customer_user,
                        channel="phone",
                        sender_type=Article.SenderType.CUSTOMER,
                        article_is_public=True,
                        **fields,
                    )
                return ticket.number

            try:
                # Sent twice (a double click, a retry after a timeout): one ticket, and both
                # answers lead to it.
                number, _ = submit_once(
                    user=request.user, action=CHANNELS[channel]["url"], key=key, work=create
                )
            except services.TicketError as error:
                form.add_error(None, str(error))
            else:
                if channel == "email":
                    message = gettext(
                        "Ticket #%(number)s created and emailed to the customer user."
                    )
                else:
                    message = gettext("Ticket #%(number)s created.")
                messages.success(request, message % {"number": number})
                return redirect("tickets:detail", number)
        status = 422
    else:
        prefill = PrefillForm(request.GET)
        customer_user = prefill.cleaned_data["customer_user"] if prefill.is_valid() else None
        form = TicketCreateForm(
            initial=create_initial(request.user, customer_user), user=request.user
        )
        status = 200
    context = {
        "form": form,
        "channel": channel,
        "can_add_contact": can_manage_customers(request.user),
        **CHANNELS[channel],
    }
    return render(request, "tickets/new.html", context, status=status)


@agent_required
def ticket_new_phone(request):
    return _ticket_new(request, "phone")


@agent_required
def ticket_new_email(request):
    return _ticket_new(request, "email")


@agent_required
@require_GET
def ticket_new_options(request):
    """HTMX: the customer-dependent selects for the chosen customer (and location)."""
    form = TicketCreateForm(initial=request.GET.dict(), user=request.user)
    context = {"form": form, "can_add_contact": can_manage_customers(request.user)}
    return render(request, "tickets/new.html#customer-fields", context)


@customer_admin_required
def contact_new(request, customer_id):
    """The "Add Customer Contact" modal; on success the new contact is chosen in the form.
    Adding a contact is changing the customer: it needs "Create/Edit Customers", like the
    customer pages (403 and nothing created otherwise)."""
    customer = get_object_or_404(Customer.objects.active(), customer_id=customer_id)
    form = ContactForm(request.POST if request.method == "POST" else None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            contact = form.save()
        except CustomerError as error:
            form.add_error(None, str(error))
        else:
            # Nothing to swap: the page's JS adds and selects the contact, then the modal closes.
            response = HttpResponse()
            response["HX-Reswap"] = "none"
            label = str(contact)
            detail = {"login": contact.login, "label": label}
            trigger_client_event(response, "contactCreated", detail, after="settle")
            trigger_client_event(response, "closeModal", after="settle")
            message = gettext("Contact %(name)s added.") % {"name": label}
            return trigger_client_event(response, "showMessage", message)
    # Invalid input re-renders the modal with the errors and what was typed (200: it stays open).
    return render(request, "tickets/_contact_modal.html", {"form": form, "customer": customer})
