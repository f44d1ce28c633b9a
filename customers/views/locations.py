"""The Locations tab: locations with their areas; create, edit, deactivate and reactivate."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from helpdesk.auth import agent_required
from helpdesk.responses import after_write

from ..forms import AreaForm, LocationForm
from ..models import Area, Customer, Location
from ..services import CustomerError, area_set_active, location_set_active
from .common import PAGE_SIZE, customer_admin_required, get_customer, render_tab


class ActiveForm(forms.Form):
    """POST `active`: 1 (re)activates, 0 deactivates."""

    active = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


def get_location(customer: Customer, pk: int) -> Location:
    return get_object_or_404(Location.objects.filter(customer=customer), pk=pk)


def get_area(customer: Customer, pk: int) -> Area:
    return get_object_or_404(
        Area.objects.filter(location__customer=customer).select_related("location"), pk=pk
    )


def _tab(request, customer, message=None, status=200, area_forms=None):
    locations = (
        Location.objects.filter(customer=customer)
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("-is_active", "name")))
        .order_by("-is_active", "name")
    )
    page = Paginator(locations, PAGE_SIZE).get_page(request.GET.get("page"))
    area_forms = area_forms or {}
    for location in page:
        location.area_form = area_forms.get(location.pk) or AreaForm(
            location=location, auto_id=f"area{location.pk}_%s"
        )
    response = render_tab(request, customer, "locations", {"page": page}, status=status)
    if message:
        trigger_client_event(response, "showMessage", message)
    return response


def _saved(request, customer, message: str, modal: bool = False):
    """The tab after a committed change (into the page, closing the modal, when `modal`);
    should showing it fail, the tab's page."""

    def show():
        response = _tab(request, customer, message=message)
        if modal:
            response = reswap(retarget(response, "#tab-content"), "innerHTML")
            response = trigger_client_event(response, "closeModal")
        return response

    url = reverse("customers:locations", args=[customer.customer_id])
    return after_write(request, show, message=message, url=url)


@agent_required
@vary_on_headers("HX-Request")
def locations_tab(request, customer_id):
    return _tab(request, get_customer(customer_id))


def _location_form(request, customer, location=None):
    form = LocationForm(request.POST or None, instance=location, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except CustomerError as exc:
            form.add_error("name", str(exc))
        else:
            if location:
                message = _("Location %(name)s saved.") % {"name": saved.name}
            else:
                message = _("Location %(name)s created.") % {"name": saved.name}
            return _saved(request, customer, message, modal=True)
    return render(
        request,
        "customers/tabs/locations.html#location-form",
        {"form": form, "customer": customer, "location": location},
        status=422 if form.errors else 200,
    )


@customer_admin_required
def location_create(request, customer_id):
    return _location_form(request, get_customer(customer_id))


@customer_admin_required
def location_edit(request, customer_id, pk):
    customer = get_customer(customer_id)
    return _location_form(request, customer, get_location(customer, pk))


@customer_admin_required
@require_POST
def location_active(request, customer_id, pk):
    customer = get_customer(customer_id)
    location = get_location(customer, pk)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        return _tab(request, customer, status=422, message=_("Choose activate or deactivate."))
    location_set_active(location=location, active=form.cleaned_data["active"])
    if location.is_active:
        message = _("Location %(name)s reactivated.") % {"name": location.name}
    else:
        message = _("Location %(name)s deactivated.") % {"name": location.name}
    return _saved(request, customer, message)


@customer_admin_required
@require_POST
def area_create(request, customer_id, pk):
    """The add-area row under a location; errors show on that row."""
    customer = get_customer(customer_id)
    location = get_location(customer, pk)
    form = AreaForm(request.POST, location=location, auto_id=f"area{location.pk}_%s")
    if form.is_valid():
        try:
            area = form.save()
        except CustomerError as exc:
            form.add_error("name", str(exc))
        else:
            message = _("Area %(area)s added to %(location)s.") % {
                "area": area.name,
                "location": location.name,
            }
            return _saved(request, customer, message)
    return _tab(request, customer, status=422, area_forms={location.pk: form})


@customer_admin_required
def area_edit(request, customer_id, pk):
    customer = get_customer(customer_id)
    area = get_area(customer, pk)
    form = AreaForm(request.POST or None, instance=area, location=area.location)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except CustomerError as exc:
            form.add_error("name", str(exc))
        else:
            return _saved(
                request, customer, _("Area %(name)s saved.") % {"name": saved.name}, modal=True
            )
    return render(
        request,
        "customers/tabs/locations.html#area-form",
        {"form": form, "customer": customer, "area": area},
        status=422 if form.errors else 200,
    )


@customer_admin_required
@require_POST
def area_active(request, customer_id, pk):
    customer = get_customer(customer_id)
    area = get_area(customer, pk)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        return _tab(request, customer, status=422, message=_("Choose activate or deactivate."))
    area_set_active(area=area, active=form.cleaned_data["active"])
    if area.is_active:
        message = _("Area %(name)s reactivated.") % {"name": area.name}
    else:
        message = _("Area %(name)s deactivated.") % {"name": area.name}
    return _saved(request, customer, message)
