"""Fetch helpers, the write permission and tab rendering shared by the customer views."""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from helpdesk.auth import agent_required

from ..models import Customer
from ..services import can_manage_customers

TABS = [
    ("contacts", _("Customer Contacts"), "bi-people"),
    ("contracts", _("Contracts"), "bi-file-earmark-text"),
    ("notification-groups", _("Notification Groups"), "bi-bell"),
    ("locations", _("Locations"), "bi-geo-alt"),
]
PAGE_SIZE = 25


def get_customer(customer_id: str) -> Customer:
    """Every agent may view every customer; anything unknown is a 404."""
    return get_object_or_404(Customer, customer_id=customer_id)


def customer_admin_required(view):
    """Agents only; writes need "Create/Edit Customers" (`customers.add_customer` and
    `customers.change_customer` through a group). Others get 403 and nothing changes."""

    @agent_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_customers(request.user):
            return HttpResponseForbidden(render_to_string("customers/_forbidden.html"))
        return view(request, *args, **kwargs)

    return wrapper


def render_tab(request, customer: Customer, tab: str, context: dict, status: int = 200):
    """A tab alone for htmx (its own URL, pushed to history), the settings page otherwise."""
    template = f"customers/tabs/{tab.replace('-', '_')}.html"
    context = {
        "customer": customer,
        "tab": tab,
        "tabs": TABS,
        "tab_template": template,
        "can_manage": can_manage_customers(request.user),
        **context,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, template, context, status=status)
    return render(request, "customers/settings.html", context, status=status)
