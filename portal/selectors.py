"""Reads of the portal: what a customer user may request and see, defined once.

Ticket visibility itself is `Ticket.objects.visible_to_portal_user` (tickets/querysets.py);
everything here builds on it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404

from contracts.models import Contract, Service
from customers.models import CustomerUser
from tickets.models import Article, Attachment, Ticket
from tickets.querysets import TicketRules


def active_contracts(customer_user: CustomerUser) -> QuerySet[Contract]:
    """Active contracts running today of the user's active customers."""
    return Contract.objects.active().filter(
        customer__customer_users=customer_user, customer__is_active=True
    )


def allowed_services(customer_user: CustomerUser) -> QuerySet[Service]:
    """Active top-level services linked to an active contract of the user's customers."""
    linked = Contract.services.through.objects.filter(
        contract__in=active_contracts(customer_user)
    ).values("service_id")
    return Service.objects.active().top_level().filter(pk__in=linked).order_by("name", "id")


def subcategories(service: Service) -> QuerySet[Service]:
    """Active sub-categories (children) of a service."""
    return Service.objects.active().filter(parent=service).order_by("name", "id")


def contract_for(customer_user: CustomerUser, service: Service) -> Contract | None:
    """The contract a request for `service` runs under: the primary customer's first, then the
    one that started first; None never happens for an allowed service."""
    primary_first = Case(
        When(customer_id=customer_user.customer_id, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        active_contracts(customer_user)
        .filter(services=service)
        .select_related("customer", "sla")
        .order_by(primary_first, "start_date", "id")
        .first()
    )


def searchable_services(customer_user: CustomerUser) -> QuerySet[Service]:
    """Top-level services of any contract of the user's customers (closed search filter)."""
    linked = Contract.services.through.objects.filter(
        contract__in=Contract.objects.filter(customer__customer_users=customer_user)
    ).values("service_id")
    return Service.objects.top_level().filter(pk__in=linked).order_by("name", "id")


def callers(customer_user: CustomerUser) -> QuerySet[CustomerUser]:
    """Customer users of the power user's customers (the closed search `caller` filter)."""
    return CustomerUser.objects.of_customers(customer_user.customer_ids()).order_by(
        "last_name", "first_name", "login"
    )


def portal_tickets(customer_user: CustomerUser):
    """Every ticket the user may see, shaped for the portal lists: only the relations and
    columns the rows show (building and converting unused columns costs CPU on every row)."""
    return (
        Ticket.objects.visible_to_portal_user(customer_user)
        .select_related("state", "priority", "customer_user", "service__parent")
        .only(*PORTAL_ROW_FIELDS)
        .order_by("-created_at", "-id")
    )


PORTAL_ROW_FIELDS = (
    "number",
    "title",
    "created_at",
    "closed_at",
    "state__name",
    "state__state_type",
    "state__label",
    "priority__level",
    "priority__name",
    "service__name",
    "service__parent__name",
    "customer_user__login",
    "customer_user__first_name",
    "customer_user__last_name",
)


def portal_count(
    customer_user: CustomerUser, narrow: Callable[[QuerySet], QuerySet], limit: int | None = None
) -> int:
    """`narrow(portal_tickets(user)).count()`, at most `limit`, computed so that an index
    answers it.

    A power user sees the tickets of its customers *or* its own: PostgreSQL answers that `OR`
    with a bitmap of every ticket of the customers and reads all their rows. Counted as the
    two disjoint parts of `TicketRules.accessible_parts` instead, each part is an index-only
    scan of `(customer_id, state_id, …)` / `(customer_user_id, state_id, …)`.
    """
    if customer_user is None or not customer_user.is_active or not customer_user.is_power_user:
        return narrow(portal_tickets(customer_user)).order_by()[:limit].count()
    # Each part selects `customer_id`, a column of every index it may use (with `pk`, the
    # closed search's date filter read the rows from the table instead of only the
    # `(customer_id, state_id, closed_at)` index).
    part_customers, part_own = (
        narrow(Ticket.objects.filter(part)).order_by().values("customer_id")
        for part in TicketRules.accessible_parts(customer_user)
    )
    return part_customers.union(part_own, all=True)[:limit].count()


def get_ticket_for_portal(customer_user: CustomerUser, number: str) -> Ticket:
    """The ticket if the user may see it, else 404 (never a hint that it exists)."""
    ticket = (
        Ticket.objects.visible_to_portal_user(customer_user)
        .select_related(
            "state", "priority", "service__parent", "customer", "customer_user", "contract"
        )
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404("No such request.")
    return ticket


def public_articles(ticket: Ticket) -> QuerySet[Article]:
    """The public log: public articles oldest first, with their attachments; never notes."""
    return (
        ticket.articles.filter(is_public=True)
        .select_related("author__customer_user")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def get_attachment_for_portal(customer_user: CustomerUser, pk: int) -> Attachment:
    """An attachment of a public article of a visible ticket, else 404."""
    visible = Ticket.objects.visible_to_portal_user(customer_user).values("pk")
    attachment = Attachment.objects.filter(
        pk=pk, article__is_public=True, article__ticket__in=visible
    ).first()
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment
