"""Reads of the CIC and CUIC: object fetches, preferences and the query of each widget.

Every ticket read starts from `Ticket.objects.visible_to_agent(agent)` and narrows with the
`TicketQuerySet` / `TicketRules` rules (DESIGN §5); tab counts come from one
`TicketQuerySet.counts` aggregate per widget, and lists are paginated with the count taken
from that aggregate, so a ticket widget runs exactly two queries whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from customers.models import Customer, CustomerUser
from tickets.models import Ticket
from tickets.querysets import TicketRules

from .models import DashboardPreference

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import User

    from .widgets import Dashboard, Widget

PAGE_SIZES = (5, 10, 15, 20, 25, 50)
DEFAULT_PAGE_SIZE = 10

FILTER_LABELS = {
    "locked": "My locked tickets",
    "my-queues": "Tickets in My Queues",
    "all": "All tickets",
}
SCOPE_LABELS = {
    "assigned": "Assigned to customer user",
    "accessible": "Accessible for customer user",
}
DEFAULT_SCOPE = "assigned"


# --- object fetches -------------------------------------------------------------------------


def get_customer_for_agent(agent: User, customer_id: str) -> Customer:
    """Any agent may look a customer up (customers are not queue-scoped; tickets are)."""
    return get_object_or_404(Customer, customer_id=customer_id)


def get_customer_user_for_agent(agent: User, login: str) -> CustomerUser:
    return get_object_or_404(CustomerUser.objects.select_related("customer", "user"), login=login)


# --- preferences ----------------------------------------------------------------------------


@dataclass
class WidgetState:
    """One widget of an agent's dashboard with the agent's stored choices or the defaults."""

    widget: Widget
    position: int
    enabled: bool = True
    filter: str = ""
    scope: str = ""
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def key(self) -> str:
        return self.widget.key


def widget_states(user: User, dashboard: Dashboard) -> list[WidgetState]:
    """Every widget of the dashboard in the agent's order (one query)."""
    stored = {
        p.widget: p for p in DashboardPreference.objects.filter(user=user, dashboard=dashboard.key)
    }
    states = []
    for index, widget in enumerate(dashboard.widgets):
        pref = stored.get(widget.key)
        if pref is None:
            states.append(WidgetState(widget=widget, position=index))
            continue
        states.append(
            WidgetState(
                widget=widget,
                position=pref.position,
                enabled=pref.enabled or not widget.closable,
                filter=pref.filter if pref.filter in widget.filters else "",
                scope=pref.scope if pref.scope in dashboard.scopes else "",
                page_size=pref.page_size if pref.page_size in PAGE_SIZES else DEFAULT_PAGE_SIZE,
            )
        )
    # Widgets the agent never placed keep their declared order after the placed ones.
    states.sort(key=lambda s: (s.position, dashboard.widgets.index(s.widget)))
    return states


# --- widget context -------------------------------------------------------------------------


@dataclass
class WidgetContext:
    """What a widget's query function gets: who asks, about what, with which choices."""

    agent: User
    dashboard: Dashboard
    widget: Widget
    customer: Customer | None
    customer_user: CustomerUser | None
    now: datetime
    filter: str = ""
    scope: str = ""
    page: int | str = 1
    page_size: int = DEFAULT_PAGE_SIZE
    states: list[WidgetState] = field(default_factory=list)

    def visible_tickets(self):
        return Ticket.objects.visible_to_agent(self.agent)


def _paginate(object_list, *, page_size: int, page: int | str, count: int | None = None) -> Page:
    paginator = Paginator(object_list, page_size)
    if count is not None:
        # The total is already known from the counts aggregate: no extra COUNT query.
        paginator.count = count
    return paginator.get_page(page)


# --- ticket widgets -------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    count: int
    active: bool


def ticket_widget(ctx: WidgetContext, select: Callable) -> dict[str, Any]:
    """Rows and tab counts of a ticket widget (Reminder, Escalated, New, Open).

    `select(queryset, now)` applies the widget's rule and order. CIC: the customer's tickets.
    CUIC: the user's accessible tickets with a second tab row (assigned / accessible); the
    counts of one row are taken within the active tab of the other row, so both rows combine.
    Two queries: one aggregate for every tab count, one for the page of rows.
    """
    agent = ctx.agent
    filters = {
        "locked": TicketRules.locked_by(agent),
        "my-queues": TicketRules.in_my_queues(agent),
        "all": Q(),
    }
    current_filter = ctx.filter or ctx.widget.default_filter
    visible = ctx.visible_tickets()
    if ctx.customer_user is not None:
        scopes = {
            "assigned": TicketRules.assigned_to(ctx.customer_user),
            "accessible": TicketRules.accessible_for(ctx.customer_user),
        }
        current_scope = ctx.scope or DEFAULT_SCOPE
        base = visible.accessible_for(ctx.customer_user)
        rules = {key: scopes[current_scope] & q for key, q in filters.items()}
        rules.update({key: filters[current_filter] & q for key, q in scopes.items()})
    else:
        scopes = {}
        current_scope = ""
        base = visible.of_customer(ctx.customer)
        rules = dict(filters)
    selected = select(base, ctx.now)
    counts = selected.counts(**{key.replace("-", "_"): q for key, q in rules.items()})
    counts = {key: counts[key.replace("-", "_")] for key in rules}

    rows = selected.filter(rules[current_filter]).for_list()
    page = _paginate(rows, page_size=ctx.page_size, page=ctx.page, count=counts[current_filter])
    return {
        "tabs": [
            Tab(key, FILTER_LABELS[key], counts[key], key == current_filter) for key in filters
        ],
        "scope_tabs": [
            Tab(key, SCOPE_LABELS[key], counts[key], key == current_scope) for key in scopes
        ],
        "filter": current_filter,
        "scope": current_scope,
        "page": page,
        "total": counts[current_filter],
    }


def select_reminder(qs, now):
    return qs.reminder(now)


def select_escalated(qs, now):
    return qs.escalated(now)


def select_new(qs, now):
    return qs.new().order_by("-created_at", "-id")


def select_open(qs, now):
    return qs.open().order_by("-created_at", "-id")


# --- customer widgets -----------------------------------------------------------------------


def _ticket_counts(ctx: WidgetContext) -> dict[str, Count]:
    """Open (incomplete) and Closed (completed) counts over a `tickets` relation, limited to
    the tickets the agent may see; used as annotations in one grouped query. The rules apply
    to the joined rows (not `tickets__in=<every visible ticket>`), so PostgreSQL counts each
    row's tickets from one covering index (tickets/migrations/0003_perf_indexes.py)."""
    visible = TicketRules.visible_to_agent(ctx.agent)
    return {
        "open_count": Count(
            "tickets", filter=TicketRules.through("tickets__", visible & TicketRules.incomplete())
        ),
        "closed_count": Count(
            "tickets", filter=TicketRules.through("tickets__", visible & TicketRules.completed())
        ),
    }


def customer_users_widget(ctx: WidgetContext) -> dict[str, Any]:
    """Active customer users of the customer (primary or member) with their ticket counts."""
    qs: QuerySet = (
        CustomerUser.objects.active()
        .of_customer(ctx.customer)
        .annotate(**_ticket_counts(ctx))
        .order_by("last_name", "first_name", "login")
    )
    return {"page": _paginate(qs, page_size=ctx.page_size, page=ctx.page)}


def customer_ids_widget(ctx: WidgetContext) -> dict[str, Any]:
    """Every customer the customer user belongs to, primary first, with ticket counts."""
    cu = ctx.customer_user
    qs = (
        Customer.objects.filter(Q(customer_users=cu))
        .annotate(
            is_primary=Case(
                When(pk=cu.customer_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            **_ticket_counts(ctx),
        )
        .order_by("-is_primary", "customer_id")
    )
    return {"page": _paginate(qs, page_size=ctx.page_size, page=ctx.page)}


def company_status_widget(ctx: WidgetContext) -> dict[str, Any]:
    """Escalated / Open / Closed / All counts and one count per state (two queries)."""
    tickets = ctx.visible_tickets().of_customer(ctx.customer)
    counts = tickets.counts(
        escalated=TicketRules.escalated(ctx.now),
        open=TicketRules.incomplete(),
        closed=TicketRules.completed(),
        all=Q(),
    )
    states = list(
        tickets.order_by()
        .values("state__id", "state__name", "state__label", "state__state_type")
        .annotate(count=Count("id"))
        .order_by("state__id")
    )
    return {"counts": counts, "states": states}


def customer_information_widget(ctx: WidgetContext) -> dict[str, Any]:
    """The customer's fields and its active contracts with hours used (one query)."""
    customer = ctx.customer
    contracts = list(customer.contracts.active().with_hours_used().select_related("sla"))
    return {"info_customer": customer, "contracts": contracts}


def customer_user_information_widget(ctx: WidgetContext) -> dict[str, Any]:
    """The customer user's fields and every customer it belongs to (one query)."""
    cu = ctx.customer_user
    customers = list(cu.customers.order_by("customer_id"))
    return {"info_user": cu, "customers": customers}


def settings_widget(ctx: WidgetContext) -> dict[str, Any]:
    """Every widget with its on/off state (the preferences are already loaded)."""
    return {"states": ctx.states}
