"""Ticket emails to customer users: replies and the first article of an email ticket."""

from celery import shared_task

__all__ = ["send_article_email"]


@shared_task(
    name="tickets.tasks.send_article_email",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_article_email(self, article_id: int) -> bool:
    """Send one public agent article to the ticket's customer user (filled in below)."""
    from tickets.mail import article_email_send

    return article_email_send(article_id=article_id)
