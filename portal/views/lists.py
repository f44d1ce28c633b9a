"""The request lists: open and resolved requests (home) and the closed-request search."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import render

from helpdesk.auth import portal_user_required

from ..filters import ClosedRequestFilter
from ..selectors import portal_tickets

PAGE_SIZE = settings.HELPDESK_DEFAULT_PAGE_SIZE


@portal_user_required
def home(request):
    """My open requests (incomplete) and my resolved requests, each paginated on its own."""
    tickets = portal_tickets(request.customer_user)
    open_page = Paginator(tickets.incomplete(), PAGE_SIZE).get_page(request.GET.get("open_page"))
    resolved_page = Paginator(tickets.resolved(), PAGE_SIZE).get_page(
        request.GET.get("resolved_page")
    )
    return render(
        request,
        "portal/home.html",
        {
            "open_page": open_page,
            "resolved_page": resolved_page,
            "show_caller": request.customer_user.is_power_user,
        },
    )


@portal_user_required
def closed(request):
    """Search the closed requests the user may see (a power user: its customers')."""
    customer_user = request.customer_user
    filterset = ClosedRequestFilter(
        request.GET or None,
        queryset=portal_tickets(customer_user)
        .closed()
        .order_by(F("closed_at").desc(nulls_last=True), "-id"),
        customer_user=customer_user,
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/closed.html",
        {"filter": filterset, "page": page, "show_caller": customer_user.is_power_user},
    )
