"""The new-request wizard: (1) service, (2) sub-category, (3) details. A step with exactly one
choice is skipped; every id is re-checked on each step and again when the ticket is created."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from helpdesk.auth import portal_user_required
from tickets.services import TicketError

from ..forms import NewRequestForm, ServiceStepForm
from ..selectors import allowed_services, subcategories
from ..services import portal_request_create


def _step_url(**params) -> str:
    query = urlencode({k: v.pk for k, v in params.items() if v is not None})
    return f"{reverse('portal:new')}?{query}" if query else reverse("portal:new")


@portal_user_required
def new_request(request):
    customer_user = request.customer_user
    if request.method == "POST":
        return _create(request)
    step = ServiceStepForm(request.GET, customer_user=customer_user)
    if not step.is_valid():
        messages.error(request, _("This service is not available to you; please choose another."))
        return redirect("portal:new")
    service, subcategory = step.cleaned_data["service"], step.cleaned_data["subcategory"]
    services = list(allowed_services(customer_user))
    if service is None:
        if len(services) == 1:
            return redirect(_step_url(service=services[0]))
        return render(request, "portal/new_service.html", {"services": services, "step": 1})
    children = list(subcategories(service))
    if subcategory is None and children:
        if len(children) == 1:
            return redirect(_step_url(service=service, subcategory=children[0]))
        return render(
            request,
            "portal/new_subcategory.html",
            {
                "service": service,
                "subcategories": children,
                "step": 2,
                "can_change_service": len(services) > 1,
            },
        )
    form = NewRequestForm(
        customer_user=customer_user, initial={"service": service, "subcategory": subcategory}
    )
    return _render_details(request, form, service, subcategory, len(services), len(children))


def _render_details(request, form, service, subcategory, services_count, children_count):
    return render(
        request,
        "portal/new_details.html",
        {
            "form": form,
            "service": service,
            "subcategory": subcategory,
            "step": 3,
            "change_service_url": reverse("portal:new") if services_count > 1 else None,
            "change_subcategory_url": _step_url(service=service) if children_count > 1 else None,
        },
    )


def _create(request):
    customer_user = request.customer_user
    form = NewRequestForm(request.POST, request.FILES, customer_user=customer_user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket, created = portal_request_create(
                customer_user=customer_user,
                key=data["key"],
                service=data["service"],
                subcategory=data["subcategory"],
                title=data["title"],
                description=data["description"],
                impact=data["impact"],
                urgency=data["urgency"],
                attachments=data["attachments"],
            )
        except TicketError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(
                    request,
                    _("Thank you! Your request %(number)s has been registered.")
                    % {"number": ticket.number},
                )
            return redirect("portal:detail", ticket.number)
    service = form.cleaned_data.get("service")
    subcategory = form.cleaned_data.get("subcategory")
    if service is None:
        # A forged or no longer available service: start again from step 1.
        messages.error(request, _("This service is not available to you; please choose another."))
        return redirect("portal:new")
    services_count = allowed_services(customer_user).count()
    children_count = subcategories(service).count()
    return _render_details(request, form, service, subcategory, services_count, children_count)
