"""Reads of the CIC and CUIC: object fetches, preferences and the query of each widget.

Every ticket read starts from `Ticket.objects.visible_to_agent(agent)` and narrows with the
`TicketQuerySet` / `TicketRules` rules (DESIGN §5). Every count an agent sees stops at
`ROW_COUNT_CAP` ("1,000+"), so it reads a bounded index range: neither the number of queries
nor the rows a query reads grow with the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contracts.usage import attach_usage
from customers.models import Customer, CustomerUser
from helpdesk.pagination import capped_label, capped_total
from tickets.models import AgentPreferences, Queue, Ticket, TicketState
from tickets.querysets import TicketRules
from tickets.states import COMPLETED_TYPES, INCOMPLETE_TYPES, PENDING_TYPES, StateType

from .models import DashboardPreference
from .stats import ticket_stats

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import User

    from .widgets import Dashboard, Widget

PAGE_SIZES = (5, 10, 15, 20, 25, 50)
DEFAULT_PAGE_SIZE = 10

FILTER_LABELS = {
    "locked": _("My locked tickets"),
    "my-queues": _("Tickets in My Queues"),
    "all": _("All tickets"),
}
SCOPE_LABELS = {
    "assigned": _("Assigned to customer user"),
    "accessible": _("Accessible for customer user"),
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
    """Every widget of the dashboard in the agent's order."""
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
    count: str  # "12", or "1,000+" once capped
    active: bool


# Columns a ticket widget row shows (templates/dashboards/widgets.html#tickets); the CUIC also
# names the customer user and customer of a colleague's ticket.
ROW_RELATED = ("state", "queue", "priority", "owner")
ROW_FIELDS = (
    "number",
    "title",
    "is_locked",
    "created_at",
    "pending_until",
    "escalation_due",
    "customer_id",
    "customer_user_id",
    "state__label",
    "state__state_type",
    "queue__name",
    "priority__name",
    "priority__level",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)
CUIC_ROW_RELATED = ("customer", "customer_user")
CUIC_ROW_FIELDS = ("customer__customer_id", "customer_user__first_name", "customer_user__last_name")


def capped_counts(agent: User, **querysets: QuerySet) -> dict[str, int]:
    """Several counts in one query, each of at most `ROW_COUNT_CAP + 1` rows: every count an
    agent sees stops there ("1,000+"), so each reads a bounded index range however many
    tickets match. The agent's own user row carries the counts (one row, always there)."""
    if not querysets:
        return {}
    columns = {
        name.replace("-", "_"): CappedCount(qs.order_by().values("pk")[: ROW_COUNT_CAP + 1])
        for name, qs in querysets.items()
    }
    row = get_user_model().objects.filter(pk=agent.pk).values(**columns).get()
    # A sub-query that can match nothing (no visible queue) comes back as NULL.
    return {name: row[name.replace("-", "_")] or 0 for name in querysets}


def ticket_widget(ctx: WidgetContext, select: Callable) -> dict[str, Any]:
    """Rows and tab counts of a ticket widget (Reminder, Escalated, New, Open).

    `select(queryset, now)` applies the widget's rule and order. Agent dashboard: every ticket
    the agent may see. CIC: the customer's tickets. CUIC: the user's accessible tickets with a
    second tab row (assigned / accessible); the counts of one row are taken within the active
    tab of the other row, so both rows combine. One query for every tab count (each capped),
    one for the page of rows.

    The CUIC counts the two disjoint parts of "accessible" (`TicketRules.accessible_parts`)
    separately and adds them up, so each part reads one index range.
    """
    agent = ctx.agent
    filters = {
        "locked": TicketRules.locked_by(agent),
        "my-queues": TicketRules.in_my_queues(agent),
        "all": Q(),
    }
    current_filter = ctx.filter or ctx.widget.default_filter
    visible = ctx.visible_tickets()
    related, fields = ROW_RELATED, ROW_FIELDS
    scopes: dict[str, Q] = {}
    current_scope = ""
    if ctx.customer_user is not None:
        current_scope = ctx.scope or DEFAULT_SCOPE
        parts = TicketRules.accessible_parts(ctx.customer_user)
        # Each scope as disjoint parts: "assigned" is one rule, "accessible" two.
        scopes = {"assigned": (TicketRules.assigned_to(ctx.customer_user),), "accessible": parts}
        rules = {key: (scopes[current_scope], q) for key, q in filters.items()}
        rules.update(
            {key: (part_rules, filters[current_filter]) for key, part_rules in scopes.items()}
        )
        selected = select(visible, ctx.now)
        querysets = {
            f"{key}_{index}": selected.filter(part, q)
            for key, (part_rules, q) in rules.items()
            for index, part in enumerate(part_rules)
        }
        raw = capped_counts(agent, **querysets)
        counts = {
            key: [raw[f"{key}_{index}"] for index in range(len(part_rules))]
            for key, (part_rules, q) in rules.items()
        }
        if current_scope == "assigned":
            selected = selected.filter(TicketRules.assigned_to(ctx.customer_user))
        else:
            selected = selected.filter(TicketRules.accessible_for(ctx.customer_user))
        related, fields = related + CUIC_ROW_RELATED, fields + CUIC_ROW_FIELDS
    else:
        base = visible if ctx.customer is None else visible.of_customer(ctx.customer)
        selected = select(base, ctx.now)
        raw = capped_counts(agent, **{key: selected.filter(q) for key, q in filters.items()})
        counts = {key: [raw[key]] for key in filters}

    def tab(key: str, label: str, active: bool) -> Tab:
        return Tab(key, label, capped_total(counts[key], ROW_COUNT_CAP), active)

    # A capped total pages up to the cap: nobody pages through a thousand rows of a widget.
    total = min(sum(counts[current_filter]), ROW_COUNT_CAP)
    rows = selected.filter(filters[current_filter]).select_related(*related).only(*fields)
    page = _paginate(rows, page_size=ctx.page_size, page=ctx.page, count=total)
    return {
        "tabs": [tab(key, FILTER_LABELS[key], key == current_filter) for key in filters],
        "scope_tabs": [tab(key, SCOPE_LABELS[key], key == current_scope) for key in scopes],
        "filter": current_filter,
        "scope": current_scope,
        "page": page,
        "total_label": capped_total(counts[current_filter], ROW_COUNT_CAP),
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


def _ticket_counts(ctx: WidgetContext, field: str) -> dict[str, CappedCount]:
    """Open (incomplete) and Closed (completed) counts of each row's tickets (`field` = the
    row, `customer_user` or `customer`), limited to the tickets the agent may see.

    One correlated count per row and category, evaluated only for the rows of the page: each
    is an index range of `(field, state_id)` (tickets/migrations/0003_perf_indexes), capped at
    `ROW_COUNT_CAP`, instead of joining and grouping every ticket of a big customer with the
    wide row.
    """

    def count(rule: Q) -> CappedCount:
        tickets = (
            Ticket.objects.visible_to_agent(ctx.agent)
            .filter(rule, **{field: OuterRef("pk")})
            .order_by()
            .values("pk")
        )
        return CappedCount(tickets[: ROW_COUNT_CAP + 1])

    return {
        "open_count": count(TicketRules.incomplete()),
        "closed_count": count(TicketRules.completed()),
    }


# A row's count stops here and shows as "1,000+": an exact count would read every index entry of
# a big customer user's tickets for each row of the page.
ROW_COUNT_CAP = 1000


class CappedCount(Subquery):
    """`COUNT(*)` of a sliced (`LIMIT`) correlated sub-query: at most the slice's rows."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


def customer_users_widget(ctx: WidgetContext) -> dict[str, Any]:
    """Active customer users of the customer (primary or member) with their ticket counts."""
    users = CustomerUser.objects.active().of_customer(ctx.customer)
    qs: QuerySet = users.annotate(**_ticket_counts(ctx, "customer_user")).order_by(
        "last_name", "first_name", "login"
    )
    # The page count needs no tickets: count the users alone (the grouped query would join
    # and group every ticket of the customer once more just to count its rows).
    count = users.order_by().count()
    return {"page": _paginate(qs, page_size=ctx.page_size, page=ctx.page, count=count)}


def customer_ids_widget(ctx: WidgetContext) -> dict[str, Any]:
    """Every customer the customer user belongs to, primary first, with ticket counts."""
    cu = ctx.customer_user
    customers = Customer.objects.filter(Q(customer_users=cu))
    qs = customers.annotate(
        is_primary=Case(
            When(pk=cu.customer_id, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        **_ticket_counts(ctx, "customer"),
    ).order_by("-is_primary", "customer_id")
    count = customers.order_by().count()  # as above: no tickets needed for the page count
    return {"page": _paginate(qs, page_size=ctx.page_size, page=ctx.page, count=count)}


def company_status_widget(ctx: WidgetContext) -> dict[str, Any]:
    """Escalated / Open / Closed / All counts and one count per state of the customer's
    tickets the agent may see.

    Each state's count, and the escalated count, stops at `ROW_COUNT_CAP` ("1,000+"): an index
    range of `(customer_id, state_id)` of at most that many entries per state, whatever the
    customer's size. Open / Closed / All add the states up by their state type (the categories
    of `TicketRules.incomplete` / `completed`), shown as "at least" once a part is capped.
    """
    visible = ctx.visible_tickets().of_customer(ctx.customer).order_by().values("pk")
    states = [
        {
            "state__id": state.pk,
            "state__name": state.name,
            "state__label": state.label,
            "state__state_type": state.state_type,
            "count": capped_label(state.count, ROW_COUNT_CAP),
            "n": state.count,
        }
        for state in TicketState.objects.order_by("pk").annotate(
            count=CappedCount(visible.filter(state=OuterRef("pk"))[: ROW_COUNT_CAP + 1])
        )
        if state.count
    ]
    escalated = visible.filter(TicketRules.escalated(ctx.now))[: ROW_COUNT_CAP + 1].count()

    def total(types) -> str:
        parts = [s["n"] for s in states if types is None or s["state__state_type"] in types]
        return capped_total(parts, ROW_COUNT_CAP)

    counts = {
        "escalated": capped_label(escalated, ROW_COUNT_CAP),
        "open": total(INCOMPLETE_TYPES),
        "closed": total(COMPLETED_TYPES),
        "all": total(None),
    }
    return {"counts": counts, "states": states}


def customer_information_widget(ctx: WidgetContext) -> dict[str, Any]:
    """The customer's fields and its active contracts with hours used (and over time)."""
    customer = ctx.customer
    contracts = list(customer.contracts.active().select_related("sla"))
    attach_usage(contracts)
    return {"info_customer": customer, "contracts": contracts}


def customer_user_information_widget(ctx: WidgetContext) -> dict[str, Any]:
    """The customer user's fields and every customer it belongs to."""
    cu = ctx.customer_user
    customers = list(cu.customers.order_by("customer_id"))
    return {"info_user": cu, "customers": customers}


def settings_widget(ctx: WidgetContext) -> dict[str, Any]:
    """Every widget with its on/off state (the preferences are already loaded)."""
    return {"states": ctx.states}


# --- agent dashboard ------------------------------------------------------------------------

# Columns of the Queue overview: state types added up per queue, each linking to the search.
QUEUE_COLUMNS = (
    ("new", pgettext_lazy("ticket state", "New"), (StateType.NEW,)),
    ("open", pgettext_lazy("ticket state", "Open"), (StateType.OPEN,)),
    ("pending", pgettext_lazy("ticket state", "Pending"), PENDING_TYPES),
    ("incomplete", _("All open"), INCOMPLETE_TYPES),
)


def queue_overview_widget(ctx: WidgetContext) -> dict[str, Any]:
    """The queues the agent may see × New / Open / Pending / All open, each count capped.

    One query: the queues, each with one capped count per column (an index range of
    `(queue_id, state_id)` of at most `ROW_COUNT_CAP + 1` entries)."""
    ids = TicketRules.state_ids_by_type()
    queues = Queue.objects.all()
    if not ctx.agent.is_superuser:
        queues = queues.filter(pk__in=TicketRules.team_queue_ids(ctx.agent))
    columns = {}
    for key, _label, types in QUEUE_COLUMNS:
        states = [pk for state_type in types for pk in ids.get(state_type, [])]
        tickets = Ticket.objects.filter(queue=OuterRef("pk"), state_id__in=states)
        columns[f"n_{key}"] = CappedCount(tickets.order_by().values("pk")[: ROW_COUNT_CAP + 1])
    my_queues = AgentPreferences.my_queues.through.objects.filter(
        agentpreferences__user=ctx.agent, queue_id=OuterRef("pk")
    )
    rows = [
        {
            "queue": queue,
            "mine": queue.mine,
            "cells": [
                {
                    "key": key,
                    "types": types,
                    "count": getattr(queue, f"n_{key}"),
                    "label": capped_label(getattr(queue, f"n_{key}"), ROW_COUNT_CAP),
                }
                for key, _label, types in QUEUE_COLUMNS
            ],
        }
        for queue in queues.annotate(mine=Exists(my_queues), **columns).order_by("name")
    ]
    return {"rows": rows, "columns": QUEUE_COLUMNS}


def ticket_stats_widget(ctx: WidgetContext) -> dict[str, Any]:
    """Tickets created and closed per day over the last week in the agent's queues."""
    queue_ids = None if ctx.agent.is_superuser else TicketRules.team_queue_ids(ctx.agent)
    return {"stats": ticket_stats(queue_ids, ctx.now)}


def agent_counts(agent: User, now: datetime) -> dict[str, str]:
    """The agent dashboard's stat cards: my locked, new, open and escalated tickets, capped."""
    visible = Ticket.objects.visible_to_agent(agent)
    counts = capped_counts(
        agent,
        locked=visible.locked_by(agent),
        new=visible.new(),
        open=visible.open(),
        escalated=visible.escalated(now),
    )
    return {key: capped_label(count, ROW_COUNT_CAP) for key, count in counts.items()}
