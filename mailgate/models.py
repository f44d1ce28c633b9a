"""The email channel: the mailboxes we read and every message that came in."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models import TimeStamped
from tickets.models import Article, Queue, Ticket


class MailAccount(TimeStamped):
    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS")
        STARTTLS = "starttls", _("STARTTLS")
        NONE = "none", _("None (plain)")

    class UnknownSender(models.TextChoices):
        CREATE = "create", _("Create a ticket without a customer")
        REJECT = "reject", _("Reject the email")

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    host = models.CharField(max_length=255, verbose_name=_("host"))
    port = models.PositiveIntegerField(default=993, verbose_name=_("port"))
    security = models.CharField(
        max_length=10, choices=Security.choices, default=Security.SSL, verbose_name=_("security")
    )
    username = models.CharField(max_length=255, verbose_name=_("username"))
    password = models.CharField(max_length=255, verbose_name=_("password"))
    folder = models.CharField(max_length=255, default="INBOX", verbose_name=_("folder"))
    delete_after_import = models.BooleanField(
        default=False,
        help_text=_("Delete each message once imported (else mark it as seen)."),
        verbose_name=_("delete after import"),
    )
    queue = models.ForeignKey(
        Queue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where new tickets land unless the address names another queue."),
        verbose_name=_("queue"),
    )
    unknown_sender = models.CharField(
        max_length=10,
        choices=UnknownSender.choices,
        default=UnknownSender.CREATE,
        verbose_name=_("unknown sender"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    last_fetch_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("mail account")
        verbose_name_plural = _("mail accounts")
        ordering = ["name"]

    def __str__(self):
        return self.name


def raw_path(instance, filename):
    return f"mail/{instance.received_at:%Y/%m}/{filename}"


class InboundMessage(models.Model):
    class Outcome(models.TextChoices):
        NEW_TICKET = "new_ticket", _("New ticket")
        FOLLOW_UP = "follow_up", _("Follow-up")
        REOPENED = "reopened", _("Reopened")
        LOOP = "loop", _("Automatic mail")
        BOUNCE = "bounce", _("Bounce")
        REJECTED = "rejected", _("Rejected")
        ERROR = "error", _("Error")

    account = models.ForeignKey(
        MailAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("account"),
    )
    # The Message-ID header, or "sha256:" + the digest of the raw message when it has none
    # (or an overlong one). Unique: the same message fetched or piped twice is taken once.
    message_id = models.CharField(max_length=255, unique=True, verbose_name=_("message id"))
    received_at = models.DateTimeField(db_index=True, verbose_name=_("received at"))
    sender = models.CharField(max_length=255, blank=True, verbose_name=_("sender"))
    subject = models.CharField(max_length=255, blank=True, verbose_name=_("subject"))
    outcome = models.CharField(max_length=10, choices=Outcome.choices, verbose_name=_("outcome"))
    detail = models.TextField(blank=True, verbose_name=_("detail"))
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    article = models.OneToOneField(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound",
        verbose_name=_("article"),
    )
    raw = models.FileField(upload_to=raw_path, max_length=255, blank=True, verbose_name=_("raw"))

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["outcome", "-received_at"], name="inbound_outcome_idx")]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.subject or self.message_id}"
