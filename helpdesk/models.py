"""Base pieces every app shares."""

from django.conf import settings
from django.db import models


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def fit_to_field(model: type[models.Model], field: str, value: str) -> str:
    """`value` cut to the column's `max_length`, for values the code derives from what people
    typed (`Re: ` + a title of the maximum length): PostgreSQL refuses a longer value where
    SQLite would store it."""
    max_length = model._meta.get_field(field).max_length
    if max_length is None or len(value) <= max_length:
        return value
    return value[: max_length - 1] + "…"


class Submission(models.Model):
    """The one-time key of a form (helpdesk.services.submit_once).

    Every form that writes carries a fresh random key; the unique (user, action, key) row is
    inserted in the same transaction as the work, so a double submit, a browser retry or a
    retry after a timeout does the work once. `result` is what the first submit answered
    (a ticket number, a message), so a repeat answers the same.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # What the key was used for: the URL name and the object, e.g. `tickets:reply:2026…`.
    action = models.CharField(max_length=100)
    key = models.UUIDField()
    result = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "action", "key"], name="submission_once"),
        ]

    def __str__(self):
        return f"{self.action} {self.key}"
