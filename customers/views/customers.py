"""Customer list, create/edit and the settings page entry."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from helpdesk.auth import agent_required

from ..filters import CustomerFilter
from ..forms import CustomerForm
from ..models import Customer
from ..services import CustomerError, can_manage_customers
from .common import PAGE_SIZE, customer_admin_required, get_customer
from .contacts import contacts_tab


@agent_required
@vary_on_headers("HX-Request")
def customer_list(request):
    """All customers, searchable and paged, with their active contact and contract counts."""
    queryset = Customer.objects.annotate(
        contact_count=Count(
            "customer_users", filter=Q(customer_users__is_active=True), distinct=True
        ),
        contract_count=Count("contracts", filter=Q(contracts__is_active=True), distinct=True),
    ).order_by("customer_id")
    customer_filter = CustomerFilter(request.GET or None, queryset=queryset)
    page = Paginator(customer_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "query": f"{params.urlencode()}&" if params else "",
        "filter": customer_filter,
        "page": page,
        "can_manage": can_manage_customers(request.user),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "customers/list.html#results", context)
    return render(request, "customers/list.html", context)


@customer_admin_required
def customer_create(request):
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = form.save()
        except CustomerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Customer %(id)s created.") % {"id": customer.customer_id})
            return redirect("customers:settings", customer_id=customer.customer_id)
    status = 422 if form.errors else 200
    return render(request, "customers/form.html", {"form": form}, status=status)


@customer_admin_required
def customer_edit(request, customer_id):
    customer = get_customer(customer_id)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            customer = form.save()
        except CustomerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Customer %(id)s saved.") % {"id": customer.customer_id})
            return redirect("customers:settings", customer_id=customer.customer_id)
    status = 422 if form.errors else 200
    context = {"form": form, "customer": Customer.objects.get(pk=customer.pk)}
    return render(request, "customers/form.html", context, status=status)


@agent_required
def customer_settings(request, customer_id):
    """Manage Customer Settings: opens on the Customer Contacts tab."""
    return contacts_tab(request, customer_id)
