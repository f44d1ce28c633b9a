"""The Contracts tab of the customer settings: contracts with hours used / limit; create and
edit in the modal. Its routes join the `customers` namespace in `helpdesk/urls.py`."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from customers.models import Customer
from customers.views.common import PAGE_SIZE, customer_admin_required, get_customer, render_tab
from helpdesk.auth import agent_required
from helpdesk.responses import after_write

from .forms import ContractForm
from .models import Contract
from .usage import attach_usage


def get_contract(customer: Customer, pk: int) -> Contract:
    return get_object_or_404(Contract.objects.filter(customer=customer), pk=pk)


def _tab(request, customer, message=None):
    contracts = (
        Contract.objects.filter(customer=customer)
        .select_related("customer_contact", "support_contact", "support_manager", "sla")
        .order_by("-is_active", "-start_date", "description")
    )
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    attach_usage(page.object_list)
    response = render_tab(request, customer, "contracts", {"page": page})
    if message:
        trigger_client_event(response, "showMessage", message)
    return response


@agent_required
@vary_on_headers("HX-Request")
def contracts_tab(request, customer_id):
    return _tab(request, get_customer(customer_id))


def _form_view(request, customer, contract=None):
    form = ContractForm(request.POST or None, instance=contract, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if contract:
                message = _("Contract %(name)s saved.") % {"name": saved.description}
            else:
                message = _("Contract %(name)s created.") % {"name": saved.description}

            def show():
                # The modal posted; answer the refreshed tab into the page and close the modal.
                response = _tab(request, customer, message=message)
                response = retarget(response, "#tab-content")
                response = reswap(response, "innerHTML")
                return trigger_client_event(response, "closeModal")

            url = reverse("customers:contracts", args=[customer.customer_id])
            return after_write(request, show, message=message, url=url)
    return render(
        request,
        "customers/tabs/contracts.html#contract-form",
        {"form": form, "customer": customer, "contract": contract},
        status=422 if form.errors else 200,
    )


@customer_admin_required
def contract_create(request, customer_id):
    return _form_view(request, get_customer(customer_id))


@customer_admin_required
def contract_edit(request, customer_id, pk):
    customer = get_customer(customer_id)
    return _form_view(request, customer, get_contract(customer, pk))
