"""The email channel: the mailboxes we read and every message that came in."""

from django.db import models

from helpdesk.models import TimeStamped
from tickets.models import Article, Queue, Ticket


class MailAccount(TimeStamped):
    class Security(models.TextChoices):
        SSL = "ssl", "SSL/TLS"
        STARTTLS = "starttls", "STARTTLS"
        NONE = "none", "None (plain)"

    class UnknownSender(models.TextChoices):
        CREATE = "create", "Create a ticket without a customer"
        REJECT = "reject", "Reject the email"

    name = models.CharField(max_length=100, unique=True)
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(max_length=255)
    password = models.CharField(max_length=255)
    folder = models.CharField(max_length=255, default="INBOX")
    delete_after_import = models.BooleanField(
        default=False, help_text="Delete each message once imported (else mark it as seen)."
    )
    queue = models.ForeignKey(
        Queue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where new tickets land unless the address names another queue.",
    )
    unknown_sender = models.CharField(
        max_length=10, choices=UnknownSender.choices, default=UnknownSender.CREATE
    )
    is_active = models.BooleanField(default=True)
    last_fetch_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def raw_path(instance, filename):
    return f"mail/{instance.received_at:%Y/%m}/{filename}"


class InboundMessage(models.Model):
    class Outcome(models.TextChoices):
        NEW_TICKET = "new_ticket", "New ticket"
        FOLLOW_UP = "follow_up", "Follow-up"
        REOPENED = "reopened", "Reopened"
        LOOP = "loop", "Automatic mail"
        BOUNCE = "bounce", "Bounce"
        REJECTED = "rejected", "Rejected"
        ERROR = "error", "Error"

    account = models.ForeignKey(
        MailAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    # The Message-ID header, or "sha256:" + the digest of the raw message when it has none
    # (or an overlong one). Unique: the same message fetched or piped twice is taken once.
    message_id = models.CharField(max_length=255, unique=True)
    received_at = models.DateTimeField(db_index=True)
    sender = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.TextField(blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    article = models.OneToOneField(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound"
    )
    raw = models.FileField(upload_to=raw_path, max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["outcome", "-received_at"], name="inbound_outcome_idx")]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.subject or self.message_id}"
