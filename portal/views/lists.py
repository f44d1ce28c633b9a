"""The request lists: open and resolved requests (home) and the closed-request search."""

from django.conf import settings
from django.db.models import F
from django.shortcuts import render

from helpdesk.auth import portal_user_required
from helpdesk.pagination import CountedPaginator

from ..filters import ClosedRequestFilter
from ..selectors import portal_count, portal_tickets

PAGE_SIZE = settings.HELPDESK_DEFAULT_PAGE_SIZE


def _paginator(object_list, total) -> CountedPaginator:
    return CountedPaginator(object_list, PAGE_SIZE, total, cap=settings.PORTAL_COUNT_CAP)


@portal_user_required
def home(request):
    """My open requests (incomplete) and my resolved requests, each paginated on its own."""
    customer_user = request.customer_user
    tickets = portal_tickets(customer_user)
    open_page = _paginator(
        tickets.incomplete(),
        lambda limit: portal_count(customer_user, lambda qs: qs.incomplete(), limit),
    ).get_page(request.GET.get("open_page"))
    resolved_page = _paginator(
        tickets.resolved(),
        lambda limit: portal_count(customer_user, lambda qs: qs.resolved(), limit),
    ).get_page(request.GET.get("resolved_page"))
    return render(
        request,
        "portal/home.html",
        {
            "open_page": open_page,
            "resolved_page": resolved_page,
            "show_caller": customer_user.is_power_user,
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
    rows = filterset.qs  # validates a bound form: `filter_queryset` below may then be used

    def narrow(qs):
        qs = qs.closed()
        return filterset.filter_queryset(qs) if filterset.is_bound else qs

    def total(limit):
        return portal_count(customer_user, narrow, limit)

    page = _paginator(rows, total).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/closed.html",
        {"filter": filterset, "page": page, "show_caller": customer_user.is_power_user},
    )
