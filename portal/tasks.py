"""Tell the agents when a customer updates or reopens a request from the portal."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tickets.models import Article, Ticket
from tickets.selectors import agent_may_see, agents_of_queue

from .models import AgentNotice

TEMPLATE = "emails/portal_customer_update"


def agent_recipients(ticket: Ticket) -> list[str]:
    """The owner; an unowned ticket's queue team members instead (active agents with email).

    Checked at send time: an owner who left the queue's team (or was deactivated) may no longer
    see the ticket, so the team hears about it instead."""
    owner = ticket.owner
    if owner is not None and owner.email and agent_may_see(owner, ticket):
        return [owner.email]
    members = agents_of_queue(ticket.queue_id).exclude(email="").values_list("email", flat=True)
    return sorted(set(members))


@shared_task(
    name="portal.notify_agents",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notify_agents(self, article_id: int, kind: str = "update") -> bool:
    """Email the agents about one customer article; the notice row makes repeats send nothing."""
    with transaction.atomic():
        article = (
            Article.objects.select_related(
                "ticket__owner", "ticket__queue", "ticket__state", "ticket__customer_user"
            )
            .filter(pk=article_id)
            .first()
        )
        if article is None:
            return False
        notice, _ = AgentNotice.objects.get_or_create(article=article)
        notice = AgentNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.sent_at is not None:
            return False
        ticket = article.ticket
        recipients = agent_recipients(ticket)
        context = {
            "ticket": ticket,
            "article": article,
            "kind": kind,
            # An absolute address when the site declares one (HELPDESK_BASE_URL).
            "url": getattr(settings, "HELPDESK_BASE_URL", "").rstrip("/")
            + reverse("tickets:detail", args=[ticket.number]),
        }
        if recipients:
            message = EmailMultiAlternatives(
                subject=render_to_string(f"{TEMPLATE}_subject.txt", context).strip(),
                body=render_to_string(f"{TEMPLATE}.txt", context),
                from_email=ticket.queue.email or settings.DEFAULT_FROM_EMAIL,
                to=recipients,
            )
            message.attach_alternative(render_to_string(f"{TEMPLATE}.html", context), "text/html")
            message.send()
        notice.sent_at = timezone.now()
        notice.recipients = ", ".join(recipients)
        notice.save(update_fields=["sent_at", "recipients"])
    return True
