"""The auto-reply to a new ticket that came by email, through the outbox (helpdesk/outbox.py).
Kind `auto_reply` (templates/emails/auto_reply/)."""

from __future__ import annotations

from django.conf import settings

from helpdesk.models import OutboxMessage
from helpdesk.outbox import Email, Skip, email_kind
from tickets.models import Ticket


@email_kind("auto_reply")
def _auto_reply(message: OutboxMessage) -> Email:
    ticket = Ticket.objects.select_related("queue").filter(pk=message.params["ticket"]).first()
    if ticket is None:
        raise Skip("The ticket no longer exists.")
    headers = {
        # RFC 3834: tells other systems not to answer this one (no auto-reply ping-pong).
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "Precedence": "bulk",
    }
    in_reply_to = message.params.get("in_reply_to", "")
    if in_reply_to.startswith("<"):
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    return Email(
        context={"ticket": ticket},
        from_email=ticket.queue.email_address or settings.DEFAULT_FROM_EMAIL,
        headers=headers,
    )
