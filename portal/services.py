"""Writes of the portal. Each wraps the ticket services (tickets/services.py) with the portal's
rules and owes the agents a notice in the same transaction (tickets/emails.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.models import Service
from customers.models import CustomerUser
from helpdesk.services import submit_once
from tickets.emails import customer_update_notice_add
from tickets.models import Article, Channel, Ticket, TicketState
from tickets.services import TicketError, article_add, ticket_create, ticket_set_state

from .selectors import allowed_services, contract_for, subcategories


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("state").get(pk=ticket.pk)


def portal_request_create(
    *,
    customer_user: CustomerUser,
    key: uuid.UUID | None,
    service: Service,
    subcategory: Service | None,
    title: str,
    description: str,
    impact: int,
    urgency: int,
    attachments: Iterable[UploadedFile] = (),
) -> tuple[Ticket, bool]:
    """Create a request from the portal wizard; returns (ticket, created).

    1. claim the one-time form key (`submit_once`): if it was used, return that ticket
       (double submit);
    2. re-check the service is allowed and the sub-category belongs to it;
    3. the ticket stores the sub-category as `service` (its parent is the service chosen in
       step 1), runs under the contract that offers the service (and its SLA), belongs to the
       contract's customer, has channel `portal`, the default queue, state `new` and the
       priority of impact × urgency.
    """

    def create() -> str:
        if not allowed_services(customer_user).filter(pk=service.pk).exists():
            raise TicketError(_("This service is not available to you."))
        children = subcategories(service)
        if subcategory is not None and not children.filter(pk=subcategory.pk).exists():
            raise TicketError(_("This sub-category does not belong to the chosen service."))
        if subcategory is None and children.exists():
            raise TicketError(_("Choose a sub-category."))
        contract = contract_for(customer_user, service)
        ticket = ticket_create(
            title=title,
            body=description,
            by=customer_user.user,
            customer_user=customer_user,
            customer=contract.customer if contract else customer_user.customer,
            channel=Channel.PORTAL,
            sender_type=Article.SenderType.CUSTOMER,
            article_is_public=True,
            attachments=attachments,
            state=TicketState.objects.get(name="new"),
            service=subcategory or service,
            contract=contract,
            sla=contract.sla if contract else None,
            impact=impact,
            urgency=urgency,
        )
        return ticket.number

    number, created = submit_once(
        user=customer_user.user, action="portal:new", key=key, work=create
    )
    return Ticket.objects.get(number=number), created


def _customer_article(
    ticket: Ticket, customer_user: CustomerUser, comment: str, subject: str = "", attachments=()
) -> Article:
    """The customer's words in the public log, written from the portal."""
    return article_add(
        ticket=ticket,
        by=customer_user.user,
        body=comment,
        subject=subject,
        sender_type=Article.SenderType.CUSTOMER,
        is_public=True,
        channel=Article.ArticleChannel.PORTAL,
        attachments=attachments,
    )


@transaction.atomic
def portal_request_update(
    *,
    ticket: Ticket,
    customer_user: CustomerUser,
    comment: str,
    attachments: Iterable[UploadedFile] = (),
) -> Article:
    """A public customer article on an open request; resets the update escalation."""
    ticket = _locked(ticket)
    if ticket.state.category != "incomplete":
        raise TicketError(_("This request can no longer be updated."))
    article = _customer_article(ticket, customer_user, comment, attachments=attachments)
    customer_update_notice_add(article=article, action="update")
    return article


@transaction.atomic
def portal_request_reopen(*, ticket: Ticket, customer_user: CustomerUser, comment: str) -> Article:
    """Reopen a resolved request: the comment goes into the public log, the state to `open`."""
    ticket = _locked(ticket)
    if ticket.state.state_type != "resolved":
        raise TicketError(_("Only a resolved request can be reopened."))
    subject = f"Reopened: {ticket.title}"
    article = _customer_article(ticket, customer_user, comment, subject=subject)
    ticket_set_state(
        ticket=ticket, state=TicketState.objects.get(name="open"), by=customer_user.user
    )
    customer_update_notice_add(article=article, action="reopen")
    return article
