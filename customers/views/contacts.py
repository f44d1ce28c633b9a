"""The Customer Contacts tab: list, add row, inline edit, deactivate (modal), reactivate."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from helpdesk.auth import agent_required
from helpdesk.responses import after_write

from ..forms import ContactForm
from ..models import Customer, CustomerUser
from ..services import CustomerError, customer_user_deactivate, customer_user_reactivate
from .common import PAGE_SIZE, customer_admin_required, get_customer, render_tab


class ContactListForm(forms.Form):
    """The tab's query: `deactivated=1` also lists the deactivated contacts; `page`."""

    deactivated = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1)


def get_contact(customer: Customer, pk: int) -> CustomerUser:
    """A contact of this customer (primary or member), or 404."""
    return get_object_or_404(CustomerUser.objects.filter(customers=customer), pk=pk)


def _tab(request, customer, add_form=None, status=200, message=None):
    query = ContactListForm(request.GET)
    query.is_valid()
    show_deactivated = query.cleaned_data.get("deactivated") or False
    contacts = CustomerUser.objects.of_customer(customer).order_by(
        "last_name", "first_name", "login"
    )
    page = Paginator(contacts.active(), PAGE_SIZE).get_page(query.cleaned_data.get("page"))
    deactivated = None
    if show_deactivated:
        deactivated = Paginator(contacts.filter(is_active=False), PAGE_SIZE).get_page(1)
    response = render_tab(
        request,
        customer,
        "contacts",
        {
            "page": page,
            "deactivated": deactivated,
            "show_deactivated": show_deactivated,
            "add_form": add_form or ContactForm(customer=customer, auto_id="new_%s"),
        },
        status=status,
    )
    if message:
        trigger_client_event(response, "showMessage", message)
    return response


def _saved(request, customer, show, message: str):
    """`show()`, the tab or row after a committed change; should that fail, the tab's page."""
    url = reverse("customers:contacts", args=[customer.customer_id])
    return after_write(request, show, message=message, url=url)


@agent_required
@vary_on_headers("HX-Request")
def contacts_tab(request, customer_id):
    return _tab(request, get_customer(customer_id))


@customer_admin_required
@require_POST
def contact_add(request, customer_id):
    """The Add New Contact row: re-renders the tab, with the row's errors on bad input."""
    customer = get_customer(customer_id)
    form = ContactForm(request.POST, customer=customer, auto_id="new_%s")
    if form.is_valid():
        try:
            contact = form.save()
        except CustomerError as exc:
            form.add_error("email", str(exc))
        else:
            message = _("Contact %(name)s added.") % {"name": contact.full_name}
            return _saved(
                request, customer, lambda: _tab(request, customer, message=message), message
            )
    return _tab(request, customer, add_form=form, status=422)


@customer_admin_required
def contact_edit(request, customer_id, pk):
    """GET: the contact's row as inputs; POST: save it and answer the plain row."""
    customer = get_customer(customer_id)
    contact = get_contact(customer, pk)
    form = ContactForm(
        request.POST or None, instance=contact, customer=customer, auto_id=f"edit{pk}_%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = form.save()
        except CustomerError as exc:
            form.add_error("email", str(exc))
        else:
            message = _("%(name)s saved.") % {"name": contact.full_name}

            def row():
                response = render(
                    request,
                    "customers/tabs/contacts.html#contact-row",
                    {"contact": contact, "customer": customer, "can_manage": True},
                )
                return trigger_client_event(response, "showMessage", message)

            return _saved(request, customer, row, message)
    return render(
        request,
        "customers/tabs/contacts.html#contact-edit-row",
        {"contact": contact, "customer": customer, "form": form},
        status=422 if form.errors else 200,
    )


@customer_admin_required
def contact_deactivate(request, customer_id, pk):
    """GET: the confirmation modal; POST: deactivate and close the modal."""
    customer = get_customer(customer_id)
    contact = get_contact(customer, pk)
    if request.method != "POST":
        return render(
            request,
            "customers/tabs/contacts.html#deactivate-modal",
            {"contact": contact, "customer": customer},
        )
    customer_user_deactivate(customer_user=contact)
    message = _("%(name)s deactivated.") % {"name": contact.full_name}
    return _saved(
        request,
        customer,
        lambda: trigger_client_event(_tab(request, customer, message=message), "closeModal"),
        message,
    )


@customer_admin_required
@require_POST
def contact_reactivate(request, customer_id, pk):
    customer = get_customer(customer_id)
    contact = get_contact(customer, pk)
    try:
        customer_user_reactivate(customer_user=contact)
    except CustomerError as exc:
        return _tab(request, customer, status=422, message=str(exc))
    message = _("%(name)s reactivated.") % {"name": contact.full_name}
    return _saved(request, customer, lambda: _tab(request, customer, message=message), message)
