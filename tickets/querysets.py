"""Ticket selection rules of DESIGN §5, defined once.

Each rule is a `Q` built by `TicketRules`, so the same rule filters a list (`TicketQuerySet`
methods) and counts inside one aggregate (`TicketQuerySet.counts`). Widgets, lists, counts,
the portal and background tasks all build on these.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Lookup, Q, Subquery
from django.utils import timezone

from helpdesk.auth import is_agent

INCOMPLETE = ("new", "open", "pending_reminder", "pending_auto_close")
COMPLETED = ("resolved", "closed")
INACTIVE = ("resolved", "closed", "merged", "removed")


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


class InArray(Lookup):
    """`lhs IN (subquery)` that PostgreSQL can answer from an index inside an `OR`.

    PostgreSQL turns `x IN (SELECT …)` under an `OR` into a hashed sub-plan checked row by row,
    which forces a scan of the whole ticket table; `x = ANY(ARRAY(SELECT …))` runs the
    sub-query once and becomes one more index scan of a bitmap OR. Other databases get `IN`.
    """

    lookup_name = "in_array"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]


class StateTypeIn(Lookup):
    """`state_id` is the id of a ticket state of one of these types (`rhs`), without a join.

    PostgreSQL: `state_id = ANY(ticket_state_ids('{…}'))`, a function the planner folds into
    the literal ids (tickets/0008), so `(…, state_id)` indexes take it as an index condition
    with a true row estimate. Other databases: `state_id IN (SELECT id … WHERE state_type IN …)`.
    """

    lookup_name = "state_type_in"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        from .models import TicketState

        lhs, lhs_params = self.process_lhs(compiler, connection)
        types = sorted(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ticket_state_ids(%s::text[]))", [*lhs_params, types]
        states = TicketState.objects.filter(state_type__in=types).values("pk").order_by()
        sub, sub_params = states.query.get_compiler(connection=connection).as_sql()
        return f"{lhs} IN ({sub})", [*lhs_params, *sub_params]


class CustomersOf(Lookup):
    """`customer_id` is one of the customer user's customers (`rhs`, its pk): the primary one
    or one it is a member of.

    PostgreSQL: `customer_id = ANY(customer_user_customer_ids(pk))`, folded into the literal
    ids while planning (tickets/0010), so the planner sees how many tickets those customers
    hold and takes the state rule into the index condition too. Elsewhere: `IN (members UNION
    primary)`.
    """

    lookup_name = "customers_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        from customers.models import CustomerUser

        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(customer_user_customer_ids(%s))", [*lhs_params, self.rhs]
        members = CustomerUser.customers.through.objects.filter(customeruser_id=self.rhs)
        primary = CustomerUser.objects.filter(pk=self.rhs)
        ids = (
            members.values("customer_id").order_by().union(primary.values("customer_id").order_by())
        )
        sub, sub_params = ids.query.get_compiler(connection=connection).as_sql()
        return f"{lhs} IN ({sub})", [*lhs_params, *sub_params]


class TicketRules:
    """Q objects for each rule; `prefix` lets a rule apply through a relation."""

    @staticmethod
    def new() -> Q:
        return Q(state__state_type_in=("new",))

    @staticmethod
    def open() -> Q:
        return Q(state__state_type_in=("open",))

    @staticmethod
    def incomplete() -> Q:
        return Q(state__state_type_in=INCOMPLETE)

    @staticmethod
    def completed() -> Q:
        return Q(state__state_type_in=COMPLETED)

    @staticmethod
    def reminder(now: datetime | None = None) -> Q:
        window = timedelta(minutes=settings.HELPDESK_REMINDER_WINDOW)
        return Q(state__state_type_in=("pending_reminder",), pending_until__lte=_now(now) + window)

    @staticmethod
    def escalated(now: datetime | None = None) -> Q:
        return Q(escalation_due__lte=_now(now))

    @staticmethod
    def locked_by(agent) -> Q:
        return Q(is_locked=True, owner=agent)

    @staticmethod
    def in_my_queues(agent) -> Q:
        from .models import AgentPreferences

        queue_ids = AgentPreferences.my_queues.through.objects.filter(
            agentpreferences__user=agent
        ).values("queue_id")
        # As an array, the sub-query runs once; inside a tab count's FILTER an `IN` is a hashed
        # sub-plan probed for each of 20,000 escalated tickets (~1 ms more).
        return Q(InArray(F("queue_id"), Subquery(queue_ids)))

    @staticmethod
    def visible_to_agent(agent) -> Q:
        """The queues the agent's teams grant; a superuser sees every ticket. Only agents
        (active staff users, `helpdesk.auth.is_agent`) see tickets at all."""
        if not is_agent(agent):
            return Q(pk__in=[])
        if agent.is_superuser:
            return Q()
        from .models import Team

        queue_ids = Team.queues.through.objects.filter(team__members=agent).values("queue_id")
        return Q(queue_id__in=queue_ids)

    @staticmethod
    def through(prefix: str, rule: Q) -> Q:
        """A rule applied through a relation: `through("tickets__", TicketRules.new())`."""
        if any(not isinstance(child, Q | tuple) for child in rule.children):
            raise ValueError("Only keyword rules can apply through a relation.")
        moved = Q()
        moved.connector, moved.negated = rule.connector, rule.negated
        moved.children = [
            TicketRules.through(prefix, child)
            if isinstance(child, Q)
            else (f"{prefix}{child[0]}", child[1])
            for child in rule.children
        ]
        return moved

    @staticmethod
    def assigned_to(customer_user) -> Q:
        return Q(customer_user=customer_user)

    @staticmethod
    def accessible_for(customer_user) -> Q:
        from customers.models import CustomerUser

        customer_ids = CustomerUser.customers.through.objects.filter(
            customeruser_id=customer_user.pk
        ).values("customer_id")
        return (
            Q(customer_user=customer_user)
            | Q(customer_id=customer_user.customer_id)
            | Q(InArray(F("customer_id"), Subquery(customer_ids)))
        )

    @staticmethod
    def of_state_types(*state_types: str) -> Q:
        """`state__state_type__in=state_types` without a join to the states (`StateTypeIn`),
        so a `(…, state_id)` index answers it directly."""
        return Q(state__state_type_in=tuple(state_types))

    @staticmethod
    def accessible_parts(customer_user) -> tuple[Q, Q]:
        """`accessible_for` as two disjoint rules: tickets of the user's customers (primary or
        member), and the user's own tickets of any other customer or of none.

        Each part filters on one indexed column, so PostgreSQL counts each from one covering
        index (index-only) instead of walking every ticket to test the `OR` row by row.
        """
        of_customers = Q(customer__customers_of=customer_user.pk)
        return of_customers, Q(customer_user=customer_user) & (
            Q(customer_id__isnull=True) | ~of_customers
        )


class TicketQuerySet(models.QuerySet):
    # --- by state -----------------------------------------------------------------------------
    def new(self):
        return self.filter(TicketRules.new())

    def open(self):
        """The Open widget: state type `open` only (not new, not pending)."""
        return self.filter(TicketRules.open())

    def incomplete(self):
        return self.filter(TicketRules.incomplete())

    def completed(self):
        return self.filter(TicketRules.completed())

    def resolved(self):
        return self.filter(state__state_type_in=("resolved",))

    def closed(self):
        """Closed for good (state type `closed`)."""
        return self.filter(state__state_type_in=("closed",))

    def category(self, name: str):
        """'open' = incomplete, 'closed' = completed; anything else is every ticket."""
        if name == "open":
            return self.incomplete()
        if name == "closed":
            return self.completed()
        return self

    def reminder(self, now: datetime | None = None):
        """Pending-reminder tickets reached or within the reminder window, soonest first."""
        return self.filter(TicketRules.reminder(now)).order_by("pending_until", "id")

    def reminder_due(self, now: datetime | None = None):
        """Pending-reminder tickets whose time has been reached (the reminder notice)."""
        return self.filter(state__state_type_in=("pending_reminder",), pending_until__lte=_now(now))

    def auto_close_due(self, now: datetime | None = None):
        return self.filter(
            state__state_type_in=("pending_auto_close",), pending_until__lte=_now(now)
        )

    def escalated(self, now: datetime | None = None):
        """Tickets past their earliest due time, most overdue first."""
        return self.filter(TicketRules.escalated(now)).order_by("escalation_due", "id")

    # --- background notices (tickets/tasks/periodic.py) ----------------------------------------
    def reminder_notice_due(self, now: datetime | None = None):
        """Reminder reached and no notice sent yet for the current pending time."""
        return self.reminder_due(now).exclude(reminder_notified_for=F("pending_until"))

    def escalation_notice_due(self, now: datetime | None = None):
        """Escalated and no notice sent yet for the current escalation due time."""
        return self.escalated(now).exclude(escalation_notified_for=F("escalation_due"))

    def resolved_before(self, cutoff: datetime):
        """Resolved (not closed) tickets whose resolution is at or before `cutoff`."""
        return self.resolved().filter(resolved_at__lte=cutoff)

    # --- by agent -----------------------------------------------------------------------------
    def locked_by(self, agent):
        return self.filter(TicketRules.locked_by(agent))

    def in_my_queues(self, agent):
        """Tickets in the agent's chosen queues; none chosen means no tickets."""
        return self.filter(TicketRules.in_my_queues(agent))

    def visible_to_agent(self, agent):
        """`TicketRules.visible_to_agent`."""
        return self.filter(TicketRules.visible_to_agent(agent))

    # --- by customer --------------------------------------------------------------------------
    def of_customer(self, customer):
        return self.filter(customer=customer)

    def assigned_to(self, customer_user):
        return self.filter(TicketRules.assigned_to(customer_user))

    def accessible_for(self, customer_user):
        """Assigned to the user, or belonging to one of the user's customers."""
        return self.filter(TicketRules.accessible_for(customer_user))

    def visible_to_portal_user(self, customer_user):
        """Own tickets; a power user sees every ticket of its customers."""
        if customer_user is None or not customer_user.is_active:
            return self.none()
        if customer_user.is_power_user:
            return self.accessible_for(customer_user)
        return self.assigned_to(customer_user)

    # --- shapes -------------------------------------------------------------------------------
    def for_list(self):
        """Columns every ticket list shows, in one query."""
        return self.select_related(
            "state", "queue", "priority", "owner", "customer", "customer_user", "service"
        )

    def counts(self, **rules: Q) -> dict[str, int]:
        """Several counts in one query: `qs.counts(new=TicketRules.new(), all=Q())`."""
        return self.aggregate(**{name: Count("id", filter=q) for name, q in rules.items()})
