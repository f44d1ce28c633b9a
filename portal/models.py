"""`RequestSubmission`: the one-time key of a "new request" form. The unique
(customer user, key) row is inserted in the same transaction as the ticket, so a double
submit (two clicks, a browser retry, two tabs racing) creates exactly one ticket and the
second request is sent to it.
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
