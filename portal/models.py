"""Two small bookkeeping tables that make portal writes safe to repeat.

- `RequestSubmission`: the one-time key of a "new request" form. The unique
  (customer user, key) row is inserted in the same transaction as the ticket, so a double
  submit (two clicks, a browser retry, two tabs racing) creates exactly one ticket and the
  second request is sent to it.
- `AgentNotice`: one row per customer article the agents were told about, so a repeated run of
  `portal.notify_agents` sends nothing twice.
"""

import uuid

from django.db import models


class RequestSubmission(models.Model):
    customer_user = models.ForeignKey(
        "customers.CustomerUser", on_delete=models.CASCADE, related_name="+"
    )
    key = models.UUIDField(default=uuid.uuid4)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer_user", "key"], name="portal_submission_once"),
        ]

    def __str__(self):
        return f"{self.key} → {self.ticket_id}"


class AgentNotice(models.Model):
    article = models.OneToOneField("tickets.Article", on_delete=models.CASCADE, related_name="+")
    recipients = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Notice for article {self.article_id}"
