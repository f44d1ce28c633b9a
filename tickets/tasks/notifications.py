"""Notification-group emails and the contract "ticket closed" update (DESIGN §7, issue 6).

`tickets.services` enqueues these with `transaction.on_commit` through `ticket_event_notify`
and `ticket_closed_notify`. Each task is idempotent: a guard row (`NotificationDelivery` for a
group email, `ContractNotification(kind=ticket_closed)` for the contract update) is locked
while the mail goes out and stamped `sent_at`; a repeated run finds it stamped and sends
nothing.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from contracts.models import Contract, ContractNotification
from customers.models import (
    CustomerUser,
    NotificationDelivery,
    NotificationEvent,
    NotificationGroup,
)

__all__ = [
    "notify_notification_groups",
    "send_contract_ticket_closed",
    "ticket_closed_notify",
    "ticket_event_notify",
]

SUBJECTS = {
    NotificationEvent.TICKET_CREATED: "New ticket",
    NotificationEvent.AGENT_PUBLIC_REPLY: "Reply from support",
    NotificationEvent.TICKET_CLOSED: "Ticket closed",
}


# --- enqueueing (called inside the service's transaction) -----------------------------------


def ticket_event_notify(*, ticket, event: str, key: str, article=None) -> None:
    """After commit, email the notification groups of the ticket's customer about `event`."""
    if ticket.customer_id is None:
        return
    ticket_id, article_id = ticket.pk, getattr(article, "pk", None)
    transaction.on_commit(
        lambda: notify_notification_groups.delay(ticket_id, str(event), key, article_id)
    )


def ticket_closed_notify(*, ticket) -> None:
    """After commit: the groups' "ticket closed" email and, on a contract, the contract update."""
    closed_at = ticket.closed_at.isoformat()
    ticket_event_notify(
        ticket=ticket,
        event=NotificationEvent.TICKET_CLOSED,
        key=f"ticket:{ticket.pk}:closed:{closed_at}",
    )
    if ticket.contract_id:
        ticket_id = ticket.pk
        transaction.on_commit(lambda: send_contract_ticket_closed.delay(ticket_id, closed_at))


# --- recipients -----------------------------------------------------------------------------


def group_recipients(ticket, event: str) -> list[str]:
    """Emails of the members of the customer's active groups subscribed to `event` who may
    still see the ticket: active contacts of the ticket's customer, and active agents whose
    teams grant the ticket's queue (or superusers)."""
    groups = NotificationGroup.objects.for_event(ticket.customer, event)
    contacts = (
        CustomerUser.objects.active()
        .filter(notification_groups__in=groups, customers=ticket.customer)
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
    return sorted({e.lower(): e for e in [*contacts, *agents]}.values())


def _render(template: str, context: dict) -> tuple[str, str, str]:
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    subject = " ".join(subject.split())
    return (
        subject,
        render_to_string(f"{template}.txt", context),
        render_to_string(f"{template}.html", context),
    )


# --- tasks ----------------------------------------------------------------------------------


@shared_task(
    name="tickets.tasks.notify_notification_groups",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notify_notification_groups(
    self, ticket_id: int, event: str, key: str, article_id: int | None = None
) -> bool:
    """Email one event of a ticket to the subscribed group members, once per (event, key).

    One message per recipient so contacts never see each other's addresses.
    """
    from tickets.models import Article, Ticket

    ticket = (
        Ticket.objects.select_related("customer", "state", "queue", "customer_user")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None or ticket.customer is None:
        return False
    if not NotificationGroup.objects.for_event(ticket.customer, event).exists():
        return False
    with transaction.atomic():
        delivery, _ = NotificationDelivery.objects.get_or_create(event=event, key=key)
        delivery = NotificationDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.sent_at is not None:
            return False
        recipients = group_recipients(ticket, event)
        article = Article.objects.filter(pk=article_id).first() if article_id else None
        context = {
            "ticket": ticket,
            "article": article,
            "event": event,
            "event_label": NotificationEvent(event).label,
            "headline": SUBJECTS.get(event, NotificationEvent(event).label),
        }
        subject, text, html = _render("emails/notification_ticket", context)
        messages = []
        for email in recipients:
            message = EmailMultiAlternatives(
                subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email]
            )
            message.attach_alternative(html, "text/html")
            messages.append(message)
        if messages:
            get_connection().send_messages(messages)
        delivery.sent_at = timezone.now()
        delivery.recipients = ", ".join(recipients)
        delivery.save(update_fields=["sent_at", "recipients"])
    return True


@shared_task(
    name="tickets.tasks.send_contract_ticket_closed",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_contract_ticket_closed(self, ticket_id: int, closed_at: str) -> bool:
    """Tell the contract's customer contact that a ticket on the contract was closed: number,
    title, time spent on it, hours used / remaining. Once per close (`closed_at` in the key)."""
    from tickets.models import Ticket

    ticket = Ticket.objects.filter(pk=ticket_id, contract__isnull=False).first()
    if ticket is None:
        return False
    with transaction.atomic():
        notice, _ = ContractNotification.objects.get_or_create(
            contract_id=ticket.contract_id,
            kind=ContractNotification.Kind.TICKET_CLOSED,
            key=f"ticket:{ticket_id}:{closed_at}"[:100],
            defaults={"ticket": ticket},
        )
        notice = ContractNotification.objects.select_for_update().get(pk=notice.pk)
        if notice.sent_at is not None:
            return False
        contract = Contract.objects.select_related("customer", "customer_contact").get(
            pk=ticket.contract_id
        )
        minutes = ticket.time_entries.aggregate(m=Coalesce(Sum("minutes"), 0))["m"]
        contact = contract.customer_contact
        recipients = [contact.email] if contact.is_active and contact.email else []
        context = {
            "ticket": ticket,
            "contract": contract,
            "contact": contact,
            "ticket_minutes": minutes,
            "ticket_hours": f"{minutes // 60}:{minutes % 60:02d}",
        }
        subject, text, html = _render("emails/contract_ticket_closed", context)
        if recipients:
            message = EmailMultiAlternatives(
                subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients
            )
            message.attach_alternative(html, "text/html")
            message.send()
        notice.sent_at = timezone.now()
        notice.recipients = ", ".join(recipients)
        notice.save(update_fields=["sent_at", "recipients"])
    return True
