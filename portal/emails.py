"""Telling the agents when a customer updates or reopens a request from the portal, through
the outbox (helpdesk/outbox.py). Kind `portal_customer_update` (templates/emails/)."""

from __future__ import annotations

from helpdesk.models import OutboxMessage
from helpdesk.outbox import Email, Skip, email_kind, outbox_add
from tickets.emails import agents_to_tell, ticket_url
from tickets.models import Article


def agent_recipients(ticket) -> list[str]:
    """The owner; when there is none or the owner may no longer see the ticket (left the
    queue's team, deactivated), the queue's team."""
    return agents_to_tell(ticket, ticket.owner)


def agent_notice_add(*, article: Article, action: str) -> int:
    """Owe the agents a notice of the customer's article; `action` is `update` or `reopen`."""
    return outbox_add(
        kind="portal_customer_update",
        key=f"article:{article.pk}",
        recipients=agent_recipients(article.ticket),
        params={"article": article.pk, "action": action},
    )


@email_kind("portal_customer_update")
def _customer_update(message: OutboxMessage) -> Email:
    article = (
        Article.objects.select_related(
            "ticket__owner", "ticket__queue", "ticket__state", "ticket__customer_user"
        )
        .filter(pk=message.params["article"])
        .first()
    )
    if article is None:
        raise Skip("The article no longer exists.")
    ticket = article.ticket
    # Checked at send time: an owner who lost access since is replaced by the team.
    audience = agent_recipients(ticket)
    if message.recipient not in audience:
        raise Skip("May no longer see the ticket.", instead=audience)
    return Email(
        context={
            "ticket": ticket,
            "article": article,
            "kind": message.params["action"],
            "url": ticket_url(ticket),
        },
        from_email=ticket.queue.email,
    )
