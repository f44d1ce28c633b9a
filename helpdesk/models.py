"""Base pieces every app shares."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStamped(models.Model):
    # A default, not auto_now_add: a service that creates a row "as of" a time (a ticket's
    # due times count from it) passes that time instead of correcting it afterwards.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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


class OutboxMessage(models.Model):
    """One email owed to one recipient, written in the transaction of what caused it.

    `(kind, key, recipient)` is unique, so writing the same email twice is a no-op; `kind`
    names the builder and the template folder `templates/emails/<kind>/`, `key` what happened
    (`article:123`), `params` the ids and values the builder needs. The Message-ID is fixed
    when the row is written, so a repeated attempt sends the same message. `helpdesk.outbox`
    delivers the rows and is the only code that changes their status.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("outbox status", "Pending")
        SENT = "sent", pgettext_lazy("outbox status", "Sent")
        FAILED = "failed", pgettext_lazy("outbox status", "Failed")
        SKIPPED = "skipped", pgettext_lazy("outbox status", "Skipped")

    kind = models.CharField(_("kind"), max_length=50)
    key = models.CharField(_("key"), max_length=200)
    recipient = models.CharField(_("recipient"), max_length=254)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "recipient"], name="outbox_once"),
        ]
        indexes = [
            # The sweeper and /healthz read only these; sent rows, the bulk, stay out of both.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_pending_due",
            ),
            models.Index(
                fields=["created_at"], condition=models.Q(status="failed"), name="outbox_failed"
            ),
            # The intake's rate limit: auto-replies to one sender in the last hour.
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(kind="auto_reply"),
                name="outbox_auto_reply",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} → {self.recipient}"
