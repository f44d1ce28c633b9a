"""Emails about tickets, through the outbox (helpdesk/outbox.py).

Each `*_emails_add` function is called by a service inside its transaction and decides who is
owed the email; each builder renders it at send time and checks again that the recipient may
still receive it (a deactivated contact, an agent who left the queue's team gets nothing).

Kinds (template folders under templates/emails/):
- `ticket_reply`: a public agent article by email (a reply, or the first article of an email
  ticket) to the customer user and whoever the agent put on Cc, one row (and envelope) each,
  every copy showing the same To and Cc headers. Threading: the subject carries
  `[Ticket#NUMBER]`, every row's Message-ID is the article's, `In-Reply-To` names the
  ticket's previous message and `References` all of them, so mail clients show one
  conversation per ticket.
- `notification_ticket`: a ticket event (created, public agent reply, closed) to the members
  of the customer's notification groups subscribed to it.
- `contract_ticket_closed`: a ticket on a contract was closed, to the contract's contact.
- `portal_customer_update`: a customer updated or reopened a ticket (portal or email), to the
  owner, or the queue's team when the owner may not see it.
- `reminder`, `escalation`: the periodic notices (tickets/tasks/periodic.py) to the owner
  (and the responsible agent), or the queue's team when none of them may see the ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contracts.models import Contract, ContractNotification
from customers.models import CustomerUser, NotificationEvent, NotificationGroup
from helpdesk.models import OutboxMessage
from helpdesk.outbox import Email, Skip, email_kind, message_id_new, outbox_add

from .models import Article, Ticket, TicketEvent
from .selectors import agent_may_see, agents_of_queue

EMAIL_SENT = "email_sent"  # the ticket's history entry for a delivered reply


def ticket_url(ticket: Ticket) -> str:
    """The zoom's address, absolute when the site declares its base (HELPDESK_BASE_URL)."""
    base = settings.HELPDESK_BASE_URL.rstrip("/")
    return base + reverse("tickets:detail", args=[ticket.number])


def _from(ticket: Ticket) -> str:
    return ticket.queue.email_address or settings.DEFAULT_FROM_EMAIL


def _ticket(message: OutboxMessage, *related: str) -> Ticket:
    ticket = Ticket.objects.select_related(*related).filter(pk=message.params["ticket"]).first()
    if ticket is None:
        raise Skip("The ticket no longer exists.")
    return ticket


# --- who hears about a ticket -------------------------------------------------------------------


def agents_to_tell(ticket: Ticket, *people) -> list[str]:
    """Emails of those `people` (agents) who may see the ticket; when none may, the active
    agents of the teams that grant its queue."""
    chosen = [p for p in people if p is not None and p.email and agent_may_see(p, ticket)]
    if not chosen:
        chosen = list(agents_of_queue(ticket.queue_id).exclude(email=""))
    return sorted({p.email.lower() for p in chosen})


def group_recipients(ticket: Ticket, event: str) -> list[str]:
    """Emails of the members of the customer's active groups subscribed to `event` who may
    see the ticket: active contacts of the ticket's customer, and active agents whose teams
    grant the ticket's queue (or superusers)."""
    if ticket.customer_id is None:
        return []
    # The ids first: as a subquery (a text match on JSON) the planner cannot estimate it and
    # walks every group membership of every customer.
    groups = list(
        NotificationGroup.objects.for_event(ticket.customer_id, event).values_list("pk", flat=True)
    )
    if not groups:
        return []
    contacts = (
        CustomerUser.objects.active()
        .filter(notification_groups__in=groups, customers=ticket.customer_id)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    agents = (
        get_user_model()
        .objects.filter(notification_groups__in=groups, is_active=True)
        .filter(Q(is_superuser=True) | Q(is_staff=True, helpdesk_teams__queues=ticket.queue_id))
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted({email.lower() for email in [*contacts, *agents]})


# --- replies ----------------------------------------------------------------------------------


def reply_email_add(*, article: Article, cc: Iterable[str] = ()) -> None:
    """Owe the email of this public agent article to the ticket's customer user (To) and to
    `cc`: one row per recipient, all with the Message-ID stored on the article (so later
    replies thread under it); the addresses are kept on the article for the zoom."""
    ticket = article.ticket
    article.message_id = message_id_new()
    article.email_from = parseaddr(_from(ticket))[1].lower()
    article.email_to = ticket.customer_user.email.lower()
    article.email_cc = ",".join(address.lower() for address in cc)
    article.save(update_fields=["message_id", "email_from", "email_to", "email_cc"])
    outbox_add(
        kind="ticket_reply",
        key=f"article:{article.pk}",
        recipients=[article.email_to, *cc],
        params={"article": article.pk},
        message_id=article.message_id,
    )


@email_kind("ticket_reply")
def _reply(message: OutboxMessage) -> Email:
    article = (
        Article.objects.select_related("ticket__customer_user", "ticket__queue", "author")
        .filter(pk=message.params["article"])
        .first()
    )
    if article is None:
        raise Skip("The article no longer exists.")
    ticket = article.ticket
    customer_user = ticket.customer_user
    cc = [address for address in article.email_cc.split(",") if address]
    # Cc people are no customer users: only the customer user's own copy depends on them.
    if message.recipient not in cc and (customer_user is None or not customer_user.is_active):
        raise Skip("The customer user was deactivated or is no longer on the ticket.")
    earlier = [
        message_id
        for message_id in Article.objects.filter(ticket=ticket, pk__lt=article.pk)
        .exclude(message_id="")
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
        if message_id.isprintable() and " " not in message_id
    ]
    # Every copy shows the whole audience; the envelope of each goes to its row's recipient.
    headers = {"To": article.email_to or message.recipient}
    if cc:
        headers["Cc"] = ", ".join(cc)
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier)
    attachments = []
    for attachment in article.attachments.order_by("id"):
        with attachment.file.open("rb") as handle:
            attachments.append((attachment.filename, handle.read(), attachment.content_type))

    def history() -> None:
        TicketEvent.objects.create(
            ticket=ticket,
            actor=None,
            action=EMAIL_SENT,
            from_value=str(article.pk),
            to_value=message.recipient[:255],
        )

    return Email(
        context={
            "ticket": ticket,
            "article": article,
            "customer_user": customer_user,
            "agent": article.author,
        },
        from_email=_from(ticket),
        headers=headers,
        attachments=attachments,
        on_sent=history,
    )


# --- the customer wrote: tell the agents ------------------------------------------------------


def customer_update_recipients(ticket: Ticket) -> list[str]:
    """The owner; when there is none or the owner may no longer see the ticket (left the
    queue's team, deactivated), the queue's team."""
    return agents_to_tell(ticket, ticket.owner)


def customer_update_notice_add(*, article: Article, action: str) -> int:
    """Owe the agents a notice of the customer's article; `action` is `update` or `reopen`."""
    return outbox_add(
        kind="portal_customer_update",
        key=f"article:{article.pk}",
        recipients=customer_update_recipients(article.ticket),
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
    audience = customer_update_recipients(ticket)
    if message.recipient not in audience:
        raise Skip("May no longer see the ticket.", instead=audience)
    return Email(
        context={
            "ticket": ticket,
            "article": article,
            "kind": message.params["action"],
            "url": ticket_url(ticket),
        },
        from_email=_from(ticket),
    )


# --- notification groups and the contract's "ticket closed" update ----------------------------

HEADLINES = {
    NotificationEvent.TICKET_CREATED: _("New ticket"),
    NotificationEvent.AGENT_PUBLIC_REPLY: _("Reply from support"),
    NotificationEvent.TICKET_CLOSED: _("Ticket closed"),
}


def ticket_event_emails_add(*, ticket: Ticket, event: str, key: str, article=None) -> None:
    """Owe the notification groups of the ticket's customer an email about `event`; `key`
    names the occurrence (`ticket:<id>`, `article:<id>`, …), once per event and key."""
    recipients = group_recipients(ticket, event)
    if not recipients:
        return
    outbox_add(
        kind="notification_ticket",
        key=f"{event}:{key}",
        recipients=recipients,
        params={
            "ticket": ticket.pk,
            "event": str(event),
            "article": article.pk if article is not None else None,
        },
    )


@email_kind("notification_ticket")
def _group_email(message: OutboxMessage) -> Email:
    ticket = _ticket(message, "customer", "state", "queue", "customer_user")
    event = message.params["event"]
    if message.recipient not in group_recipients(ticket, event):
        raise Skip("No longer in a subscribed group, deactivated, or may no longer see the ticket.")
    article_id = message.params.get("article")
    label = NotificationEvent(event).label
    return Email(
        context={
            "ticket": ticket,
            "article": Article.objects.filter(pk=article_id).first() if article_id else None,
            "event": event,
            "event_label": label,
            "headline": HEADLINES.get(event, label),
        }
    )


def ticket_closed_emails_add(*, ticket: Ticket) -> None:
    """A ticket was closed: the groups' "ticket closed" email and, on a contract, the
    contract's update to its customer contact (recorded as a `ContractNotification`). Once
    per close: the close time is part of the key, so a reopened and closed again ticket is
    reported again."""
    closed_at = ticket.closed_at.isoformat()
    ticket_event_emails_add(
        ticket=ticket,
        event=NotificationEvent.TICKET_CLOSED,
        key=f"ticket:{ticket.pk}:closed:{closed_at}",
    )
    if not ticket.contract_id:
        return
    notice, _created = ContractNotification.objects.get_or_create(
        contract_id=ticket.contract_id,
        kind=ContractNotification.Kind.TICKET_CLOSED,
        key=f"ticket:{ticket.pk}:{closed_at}"[:100],
        defaults={"ticket": ticket},
    )
    contract = Contract.objects.select_related("customer_contact").get(pk=ticket.contract_id)
    contact = contract.customer_contact
    outbox_add(
        kind="contract_ticket_closed",
        key=f"contract:{ticket.contract_id}:{notice.key}",
        recipients=[contact.email] if contact.is_active else [],
        params={"ticket": ticket.pk, "contract": ticket.contract_id},
    )


@email_kind("contract_ticket_closed")
def _contract_ticket_closed(message: OutboxMessage) -> Email:
    ticket = _ticket(message)
    contract = (
        Contract.objects.select_related("customer", "customer_contact")
        .filter(pk=message.params["contract"])
        .first()
    )
    contact = contract.customer_contact if contract is not None else None
    if contact is None or not contact.is_active or contact.email.lower() != message.recipient:
        raise Skip("The contract's customer contact changed or was deactivated.")
    minutes = ticket.time_entries.aggregate(m=Coalesce(Sum("minutes"), 0))["m"]
    return Email(
        context={
            "ticket": ticket,
            "contract": contract,
            "contact": contact,
            "ticket_minutes": minutes,
            "ticket_hours": f"{minutes // 60}:{minutes % 60:02d}",
        }
    )


# --- reminders and escalations ------------------------------------------------------------------

CONTEXT_RELATED = ("queue", "state", "priority", "owner", "responsible", "customer")
ESCALATION_LABELS = (
    ("first_response_due", _("First response")),
    ("update_due", pgettext_lazy("SLA", "Update")),
    ("solution_due", _("Solution")),
)


def reminder_recipients(ticket: Ticket) -> list[str]:
    """The owner; the queue's team when there is no owner or the owner lost access."""
    return agents_to_tell(ticket, ticket.owner)


def escalation_recipients(ticket: Ticket) -> list[str]:
    """Owner and responsible; the queue's team when neither may see the ticket."""
    return agents_to_tell(ticket, ticket.owner, ticket.responsible)


def _due_notice_add(kind: str, ticket: Ticket, due, key: str, recipients: list[str]) -> int:
    """Owe a notice about one due time of the ticket (a new due time is a new notice)."""
    due = due.isoformat()
    return outbox_add(
        kind=kind,
        key=f"ticket:{ticket.pk}:{key}:{due}",
        recipients=recipients,
        params={"ticket": ticket.pk, "due": due},
    )


def reminder_emails_add(*, ticket: Ticket) -> int:
    """Owe the reminder for the ticket's current pending time."""
    recipients = reminder_recipients(ticket)
    return _due_notice_add("reminder", ticket, ticket.pending_until, "pending", recipients)


def escalation_emails_add(*, ticket: Ticket) -> int:
    """Owe the escalation notice for the ticket's current escalation due time."""
    recipients = escalation_recipients(ticket)
    return _due_notice_add("escalation", ticket, ticket.escalation_due, "due", recipients)


@email_kind("reminder")
def _reminder(message: OutboxMessage) -> Email:
    ticket = _ticket(message, *CONTEXT_RELATED)
    due = datetime.fromisoformat(message.params["due"])
    if ticket.state.state_type != "pending_reminder" or ticket.pending_until != due:
        raise Skip("The ticket is no longer pending until this time.")
    audience = reminder_recipients(ticket)
    if message.recipient not in audience:
        raise Skip("May no longer see the ticket.", instead=audience)
    return Email(
        context={"ticket": ticket, "ticket_url": ticket_url(ticket), "due": due},
        from_email=_from(ticket),
    )


@email_kind("escalation")
def _escalation(message: OutboxMessage) -> Email:
    ticket = _ticket(message, *CONTEXT_RELATED)
    due = datetime.fromisoformat(message.params["due"])
    if ticket.escalation_due != due:
        raise Skip("The ticket is no longer escalated for this due time.")
    audience = escalation_recipients(ticket)
    if message.recipient not in audience:
        raise Skip("May no longer see the ticket.", instead=audience)
    now = timezone.now()
    overdue = [
        (label, getattr(ticket, field))
        for field, label in ESCALATION_LABELS
        if getattr(ticket, field) is not None and getattr(ticket, field) <= now
    ]
    return Email(
        context={
            "ticket": ticket,
            "ticket_url": ticket_url(ticket),
            "due": due,
            "overdue": overdue,
        },
        from_email=_from(ticket),
    )
