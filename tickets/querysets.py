"""Ticket selection rules of DESIGN §5, defined once.

Each rule is a `Q` built by `TicketRules`, so the same rule filters a list (`TicketQuerySet`
methods) and counts inside one aggregate (`TicketQuerySet.counts`). Widgets, lists, counts,
the portal and background tasks all build on these.

A customer user's customers (`CustomerUser.customer_ids`) and an agent's queues
(`team_queue_ids`) are literal ids, which the planner can weigh (docs/performance.md).
"""

from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone

from helpdesk.auth import is_agent

from .states import COMPLETED_TYPES, INCOMPLETE_TYPES, StateType


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _through(model: str, relation: str):
    """The rows of a many-to-many table of this app. tickets/models.py imports this module, so
    the models are looked up by name when a rule is built."""
    return getattr(apps.get_model("tickets", model), relation).through.objects


class TicketRules:
    """Q objects for each rule."""

    @staticmethod
    def of_state_types(*state_types: str) -> Q:
        """In a state of one of these types."""
        return Q(state__state_type__in=state_types)

    @staticmethod
    def new() -> Q:
        return TicketRules.of_state_types(StateType.NEW)

    @staticmethod
    def open() -> Q:
        return TicketRules.of_state_types(StateType.OPEN)

    @staticmethod
    def incomplete() -> Q:
        return TicketRules.of_state_types(*INCOMPLETE_TYPES)

    @staticmethod
    def completed() -> Q:
        return TicketRules.of_state_types(*COMPLETED_TYPES)

    @staticmethod
    def resolved() -> Q:
        return TicketRules.of_state_types(StateType.RESOLVED)

    @staticmethod
    def closed() -> Q:
        """Closed for good (state type `closed`)."""
        return TicketRules.of_state_types(StateType.CLOSED)

    @staticmethod
    def reminder(now: datetime | None = None) -> Q:
        """By the states' literal ids: with the state known, PostgreSQL reads the
        `(state_id, pending_until)` index in order and stops after a page, where a join on
        the state type made it sort every pending ticket whenever its statistics lagged
        behind the clock (more reminders come due every minute)."""
        window = timedelta(minutes=settings.HELPDESK_REMINDER_WINDOW)
        return Q(
            state_id__in=TicketRules.state_ids_by_type().get(StateType.PENDING_REMINDER, []),
            pending_until__lte=_now(now) + window,
        )

    @staticmethod
    def state_ids_by_type() -> dict[str, list[int]]:
        """The states' ids per state type, read now (one query of the small state table), for
        rules that filter `state_id` in an index range instead of joining the states."""
        ids: dict[str, list[int]] = {}
        states = apps.get_model("tickets", "TicketState").objects.order_by("pk")
        for pk, state_type in states.values_list("pk", "state_type"):
            ids.setdefault(state_type, []).append(pk)
        return ids

    @staticmethod
    def escalated(now: datetime | None = None) -> Q:
        return Q(escalation_due__lte=_now(now))

    @staticmethod
    def locked_by(agent) -> Q:
        return Q(is_locked=True, owner=agent)

    @staticmethod
    def in_my_queues(agent) -> Q:
        queue_ids = _through("AgentPreferences", "my_queues").filter(agentpreferences__user=agent)
        return Q(queue_id__in=queue_ids.values("queue_id"))

    @staticmethod
    def team_queue_ids(agent) -> list[int]:
        """Ids of the queues the agent's teams grant, read once per user object (each request
        loads its own). Rules pass them as literal ids: for a sub-query PostgreSQL guessed
        two queues and walked one queue's tickets after another."""
        ids = getattr(agent, "_team_queue_ids", None)
        if ids is None:
            grants = _through("Team", "queues").filter(team__members=agent)
            ids = sorted(set(grants.values_list("queue_id", flat=True)))
            agent._team_queue_ids = ids
        return ids

    @staticmethod
    def visible_to_agent(agent) -> Q:
        """The queues the agent's teams grant; a superuser sees every ticket. Only agents
        (active staff users, `helpdesk.auth.is_agent`) see tickets at all."""
        if not is_agent(agent):
            return Q(pk__in=[])
        if agent.is_superuser:
            return Q()
        return Q(queue_id__in=TicketRules.team_queue_ids(agent))

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
        """Assigned to the user, or belonging to one of the user's customers."""
        return Q(customer_user=customer_user) | Q(customer_id__in=customer_user.customer_ids())

    @staticmethod
    def accessible_parts(customer_user) -> tuple[Q, Q]:
        """`accessible_for` as two disjoint rules: tickets of the user's customers, and the
        user's own tickets of any other customer or of none.

        Each part filters on one indexed column, so PostgreSQL counts each from one covering
        index (index-only) instead of reading the rows of every ticket of the customers to
        test the `OR`.
        """
        customer_ids = customer_user.customer_ids()
        of_customers = Q(customer_id__in=customer_ids)
        own_elsewhere = Q(customer_user=customer_user) & (
            Q(customer_id__isnull=True) | ~Q(customer_id__in=customer_ids)
        )
        return of_customers, own_elsewhere


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
        return self.filter(TicketRules.resolved())

    def closed(self):
        """Closed for good (state type `closed`)."""
        return self.filter(TicketRules.closed())

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
        return self.filter(
            TicketRules.of_state_types(StateType.PENDING_REMINDER), pending_until__lte=_now(now)
        )

    def auto_close_due(self, now: datetime | None = None):
        return self.filter(
            TicketRules.of_state_types(StateType.PENDING_AUTO_CLOSE), pending_until__lte=_now(now)
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
        """`TicketRules.accessible_for`."""
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
