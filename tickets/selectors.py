"""Reads for the agent side of tickets: one fetch helper per object, each checking access."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from helpdesk.auth import is_agent

from .models import Article, Attachment, Queue, Team, Ticket
from .querysets import TicketRules


def tickets_for_agent(user) -> QuerySet[Ticket]:
    """Every ticket the agent may see (its teams' queues; a superuser sees all)."""
    return Ticket.objects.visible_to_agent(user)


def queues_for_agent(user) -> QuerySet[Queue]:
    """Active queues the agent may see and choose (same rule as `visible_to_agent`)."""
    queues = Queue.objects.filter(is_active=True)
    if not is_agent(user):
        return queues.none()
    if user.is_superuser:
        return queues
    return queues.filter(pk__in=TicketRules.team_queue_ids(user))


def agent_may_see(user, ticket: Ticket) -> bool:
    """`visible_to_agent` for one ticket and one user (who may be nobody)."""
    if user is None:
        return False
    return Ticket.objects.visible_to_agent(user).filter(pk=ticket.pk).exists()


def agents_of_queue(queue_id: int) -> QuerySet:
    """Active agents in a team that grants the queue: who hears about its unowned tickets."""
    # The few team members first: joined from the users' side, the planner walks every user
    # (customer users' portal logins included) to find them.
    members = Team.members.through.objects.filter(team__queues=queue_id).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, pk__in=members)
        .order_by("pk")
    )


def get_ticket_for_agent(user, number: str) -> Ticket:
    """The ticket with its header relations, or 404 if the agent may not see it."""
    qs = tickets_for_agent(user).select_related(
        "state",
        "queue",
        "priority",
        "type",
        "service",
        "sla",
        "customer",
        "customer_user",
        "contract",
        "location",
        "area",
        "owner",
        "responsible",
    )
    return get_object_or_404(qs, number=number)


def ticket_articles(ticket: Ticket) -> QuerySet[Article]:
    """Articles oldest first, with authors, attachments and the received email (its raw
    message), in two queries."""
    return (
        ticket.articles.select_related("author", "inbound")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def get_attachment_for_agent(user, pk: int) -> Attachment:
    """An attachment of a ticket the agent may see, else 404."""
    visible = tickets_for_agent(user).values("pk")
    attachment = (
        Attachment.objects.select_related("article").filter(article__ticket__in=visible, pk=pk)
    ).first()
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment
