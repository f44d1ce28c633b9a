"""The Notification Groups tab: groups with their events and members; create/edit in the modal."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from helpdesk.auth import agent_required
from helpdesk.responses import after_write

from ..forms import NotificationGroupForm
from ..models import Customer, NotificationEvent, NotificationGroup
from ..services import CustomerError
from .common import PAGE_SIZE, customer_admin_required, get_customer, render_tab


def get_group(customer: Customer, pk: int) -> NotificationGroup:
    return get_object_or_404(NotificationGroup.objects.filter(customer=customer), pk=pk)


def _tab(request, customer, message=None):
    groups = (
        NotificationGroup.objects.filter(customer=customer)
        .annotate(
            contact_count=Count("customer_users", distinct=True),
            agent_count=Count("agents", distinct=True),
        )
        .order_by("-is_active", "name")
    )
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(NotificationEvent.choices)
    for group in page:
        group.event_labels = [labels.get(e, e) for e in group.events]
    response = render_tab(request, customer, "notification-groups", {"page": page})
    if message:
        trigger_client_event(response, "showMessage", message)
    return response


@agent_required
@vary_on_headers("HX-Request")
def groups_tab(request, customer_id):
    return _tab(request, get_customer(customer_id))


def _form_view(request, customer, group=None):
    form = NotificationGroupForm(request.POST or None, instance=group, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except CustomerError as exc:
            form.add_error(None, str(exc))
        else:
            if group:
                message = _("Notification group %(name)s saved.") % {"name": saved.name}
            else:
                message = _("Notification group %(name)s created.") % {"name": saved.name}

            def show():
                response = _tab(request, customer, message=message)
                response = reswap(retarget(response, "#tab-content"), "innerHTML")
                return trigger_client_event(response, "closeModal")

            url = reverse("customers:notification-groups", args=[customer.customer_id])
            return after_write(request, show, message=message, url=url)
    return render(
        request,
        "customers/tabs/notification_groups.html#group-form",
        {"form": form, "customer": customer, "group": group},
        status=422 if form.errors else 200,
    )


@customer_admin_required
def group_create(request, customer_id):
    return _form_view(request, get_customer(customer_id))


@customer_admin_required
def group_edit(request, customer_id, pk):
    customer = get_customer(customer_id)
    return _form_view(request, customer, get_group(customer, pk))
