"""Ticket emails to customer users: replies and the first article of an email ticket.

Threading: the subject carries `[Ticket#NUMBER]`, the Message-ID stored on the article is the
email's Message-ID, `In-Reply-To` names the ticket's previous message and `References` all of
them, so mail clients show one conversation per ticket.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

__all__ = ["article_email_message", "send_article_email"]

EMAIL_SENT = "email_sent"


def article_email_message(article) -> EmailMultiAlternatives:
    """The email for a public agent article, addressed to the ticket's customer user."""
    from tickets.models import Article

    ticket = article.ticket
    earlier = list(
        Article.objects.filter(ticket=ticket, pk__lt=article.pk)
        .exclude(message_id="")
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )
    context = {
        "ticket": ticket,
        "article": article,
        "customer_user": ticket.customer_user,
        "agent": article.author,
    }
    subject = f"[Ticket#{ticket.number}] {article.subject or ticket.title}"
    headers = {"Message-ID": article.message_id}
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/ticket_reply.txt", context),
        from_email=ticket.queue.email or settings.DEFAULT_FROM_EMAIL,
        to=[ticket.customer_user.email],
        headers=headers,
    )
    message.attach_alternative(render_to_string("emails/ticket_reply.html", context), "text/html")
    for attachment in article.attachments.all():
        with attachment.file.open("rb") as handle:
            message.attach(attachment.filename, handle.read(), attachment.content_type)
    return message


@shared_task(
    name="tickets.tasks.send_article_email",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_article_email(self, article_id: int) -> bool:
    """Email one article to the ticket's customer user; a repeated run sends nothing.

    The article row is locked while sending and an `email_sent` event records the send in the
    same transaction, so a retry after a crash sends at most once more and never twice
    after success.
    """
    from tickets.models import Article, TicketEvent

    with transaction.atomic():
        article = (
            Article.objects.select_for_update(of=("self",))
            .select_related("ticket__customer_user", "ticket__queue", "author")
            .filter(pk=article_id)
            .first()
        )
        if article is None or not article.message_id:
            return False
        customer_user = article.ticket.customer_user
        # Checked at send time: a contact deactivated since the reply was written gets nothing.
        if customer_user is None or not customer_user.is_active or not customer_user.email:
            return False
        if TicketEvent.objects.filter(
            ticket_id=article.ticket_id, action=EMAIL_SENT, from_value=str(article.pk)
        ).exists():
            return False
        article_email_message(article).send()
        TicketEvent.objects.create(
            ticket_id=article.ticket_id,
            actor=None,
            action=EMAIL_SENT,
            from_value=str(article.pk),
            to_value=customer_user.email,
        )
    return True
