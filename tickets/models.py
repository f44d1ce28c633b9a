import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from contracts.models import SLA, Contract, Service
from customers.models import Area, Customer, CustomerUser, Location
from helpdesk.models import TimeStamped
from helpdesk.validators import validate_language, validate_time_zone

from .querysets import TicketQuerySet
from .states import (
    COMPLETED_TYPES,
    INCOMPLETE_TYPES,
    PENDING_TYPES,
    StateType,
)


class Queue(TimeStamped):
    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))

    class FollowUpClosed(models.TextChoices):
        REOPEN = "reopen", _("Reopen the ticket")
        NEW_TICKET = "new_ticket", _("Open a new ticket")
        REJECT = "reject", _("Reject the email")

    # null, not blank: unique among the queues that have one.
    email_address = models.EmailField(
        null=True,
        blank=True,
        unique=True,
        help_text=_("Mail to this address lands in this queue; replies go out from it."),
        verbose_name=_("email address"),
    )
    auto_reply = models.BooleanField(
        default=False,
        help_text=_("Confirm a new ticket to whoever wrote it by email."),
        verbose_name=_("auto reply"),
    )
    follow_up_closed = models.CharField(
        max_length=10,
        choices=FollowUpClosed.choices,
        default=FollowUpClosed.REOPEN,
        help_text=_("What an email answer to a closed ticket does."),
        verbose_name=_("follow up closed"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    # Used for escalation when a ticket has no SLA.
    first_response_minutes = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("first response minutes")
    )
    update_minutes = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("update minutes")
    )
    solution_minutes = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("solution minutes")
    )

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["name"]

    def __str__(self):
        return gettext(self.name)


class Team(TimeStamped):
    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="helpdesk_teams",
        blank=True,
        verbose_name=_("members"),
    )
    queues = models.ManyToManyField(
        Queue, related_name="teams", blank=True, verbose_name=_("queues")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Priority(models.Model):
    name = models.CharField(max_length=50, verbose_name=_("name"))
    level = models.PositiveSmallIntegerField(
        unique=True, help_text=_("1 = critical … 4 = low"), verbose_name=_("level")
    )

    class Meta:
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1), name="priority_level_positive"),
        ]

    def __str__(self):
        return f"{self.level} {gettext(self.name)}"


class TicketType(models.Model):
    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["name"]

    def __str__(self):
        # Names of the default catalogue are in the translation catalogue too.
        return gettext(self.name)


class TicketState(models.Model):
    name = models.SlugField(max_length=50, unique=True, verbose_name=_("name"))
    label = models.CharField(max_length=100, verbose_name=_("label"))
    state_type = models.CharField(
        max_length=20, choices=StateType.choices, db_index=True, verbose_name=_("state type")
    )

    class Meta:
        verbose_name = _("ticket state")
        verbose_name_plural = _("ticket states")
        ordering = ["id"]

    def __str__(self):
        return gettext(self.label)

    @property
    def category(self) -> str | None:
        """'incomplete', 'completed', or None for merged/removed."""
        if self.state_type in INCOMPLETE_TYPES:
            return "incomplete"
        if self.state_type in COMPLETED_TYPES:
            return "completed"
        return None

    @property
    def is_pending(self) -> bool:
        return self.state_type in PENDING_TYPES


class Channel(models.TextChoices):
    PHONE = "phone", pgettext_lazy("channel", "Phone")
    EMAIL = "email", pgettext_lazy("channel", "Email")
    PORTAL = "portal", _("Portal")
    WEB = "web", _("Web")


class Impact(models.IntegerChoices):
    DEPARTMENT = 1, _("A department")
    SERVICE = 2, _("A service")
    PERSON = 3, _("A person")


class Urgency(models.IntegerChoices):
    CRITICAL = 1, _("Critical")
    HIGH = 2, _("High")
    MEDIUM = 3, _("Medium")
    LOW = 4, _("Low")


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 1, _("Very satisfied")
    SATISFIED = 2, _("Satisfied")
    DISSATISFIED = 3, _("Dissatisfied")
    VERY_DISSATISFIED = 4, _("Very dissatisfied")


DEFAULT_PRIORITY_LEVEL = 3  # medium: when nobody chose impact and urgency

# Priority level by impact (row) and urgency (column), DESIGN §4.
PRIORITY_MATRIX = {
    1: {1: 1, 2: 1, 3: 2, 4: 4},
    2: {1: 1, 2: 2, 3: 3, 4: 4},
    3: {1: 2, 2: 3, 3: 3, 4: 4},
}


def priority_level(impact: int, urgency: int) -> int:
    return PRIORITY_MATRIX[impact][urgency]


class Ticket(TimeStamped):
    number = models.CharField(max_length=32, unique=True, verbose_name=_("number"))
    title = models.CharField(max_length=255, verbose_name=_("title"))
    queue = models.ForeignKey(
        Queue, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("queue")
    )
    state = models.ForeignKey(
        TicketState, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("state")
    )
    priority = models.ForeignKey(
        Priority, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("priority")
    )
    type = models.ForeignKey(
        TicketType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("type"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("service"),
    )
    sla = models.ForeignKey(
        SLA,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("SLA"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("customer"),
    )
    customer_user = models.ForeignKey(
        CustomerUser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("customer user"),
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("contract"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("location"),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("area"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_tickets",
        verbose_name=_("owner"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_tickets",
        verbose_name=_("responsible"),
    )
    is_locked = models.BooleanField(default=False, verbose_name=_("is locked"))
    pending_until = models.DateTimeField(null=True, blank=True, verbose_name=_("pending until"))
    impact = models.PositiveSmallIntegerField(
        choices=Impact.choices, null=True, blank=True, verbose_name=_("impact")
    )
    urgency = models.PositiveSmallIntegerField(
        choices=Urgency.choices, null=True, blank=True, verbose_name=_("urgency")
    )
    channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.PHONE, verbose_name=_("channel")
    )
    customer_contact_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Last contact from the customer (drives the update time)."),
        verbose_name=_("customer contact at"),
    )
    first_response_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("first response at")
    )
    first_response_due = models.DateTimeField(
        null=True, blank=True, verbose_name=_("first response due")
    )
    update_due = models.DateTimeField(null=True, blank=True, verbose_name=_("update due"))
    solution_due = models.DateTimeField(null=True, blank=True, verbose_name=_("solution due"))
    escalation_due = models.DateTimeField(null=True, blank=True, verbose_name=_("escalation due"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    satisfaction = models.PositiveSmallIntegerField(
        choices=Satisfaction.choices, null=True, blank=True, verbose_name=_("satisfaction")
    )
    satisfaction_comment = models.TextField(blank=True, verbose_name=_("satisfaction comment"))
    # Idempotency markers for background notices: the due time a notice was sent for.
    reminder_notified_for = models.DateTimeField(null=True, blank=True, editable=False)
    escalation_notified_for = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["customer", "state", "-created_at"], name="ticket_customer_state_idx"
            ),
            models.Index(
                fields=["customer_user", "state", "-created_at"], name="ticket_cuser_state_idx"
            ),
            models.Index(fields=["queue", "state", "-created_at"], name="ticket_queue_state_idx"),
            models.Index(fields=["owner", "is_locked"], name="ticket_owner_locked_idx"),
            models.Index(fields=["state", "pending_until"], name="ticket_state_pending_idx"),
            models.Index(
                fields=["escalation_due"],
                name="ticket_escalation_idx",
                condition=Q(escalation_due__isnull=False),
            ),
            models.Index(fields=["-created_at"], name="ticket_created_idx"),
            models.Index(fields=["closed_at"], name="ticket_closed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=4),
                name="ticket_satisfaction_range",
            ),
            models.CheckConstraint(
                condition=Q(impact__isnull=True) | Q(impact__gte=1, impact__lte=3),
                name="ticket_impact_range",
            ),
            models.CheckConstraint(
                condition=Q(urgency__isnull=True) | Q(urgency__gte=1, urgency__lte=4),
                name="ticket_urgency_range",
            ),
        ]

    def __str__(self):
        return f"#{self.number} {self.title}"


class Article(models.Model):
    class SenderType(models.TextChoices):
        AGENT = "agent", _("Agent")
        CUSTOMER = "customer", _("Customer")
        SYSTEM = "system", _("System")

    class ArticleChannel(models.TextChoices):
        PHONE = "phone", pgettext_lazy("channel", "Phone")
        EMAIL = "email", pgettext_lazy("channel", "Email")
        PORTAL = "portal", _("Portal")
        NOTE = "note", _("Note")
        WEB = "web", _("Web")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="articles", verbose_name=_("ticket")
    )
    sender_type = models.CharField(
        max_length=10, choices=SenderType.choices, verbose_name=_("sender type")
    )
    channel = models.CharField(
        max_length=10, choices=ArticleChannel.choices, default="note", verbose_name=_("channel")
    )
    is_public = models.BooleanField(
        default=False, help_text=_("Shown in the portal's public log."), verbose_name=_("is public")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    subject = models.CharField(max_length=255, blank=True, verbose_name=_("subject"))
    body = models.TextField(verbose_name=_("body"))
    # Email articles: the sanitised HTML part (nh3) and the addresses, lower-cased and
    # comma-separated, so the zoom can show them and intake knows who is on the thread.
    body_html = models.TextField(blank=True, verbose_name=_("body html"))
    email_from = models.CharField(max_length=255, blank=True, verbose_name=_("email from"))
    email_to = models.TextField(blank=True, verbose_name=_("email to"))
    email_cc = models.TextField(blank=True, verbose_name=_("email cc"))
    message_id = models.CharField(max_length=255, blank=True, verbose_name=_("message id"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="article_ticket_idx"),
            # Threading of incoming mail looks up In-Reply-To/References here.
            models.Index(
                fields=["message_id"],
                name="article_message_id_idx",
                condition=~Q(message_id=""),
            ),
        ]

    def __str__(self):
        return self.subject or f"Article {self.pk}"

    def thread_addresses(self) -> set[str]:
        return {
            a for a in (self.email_from, *self.email_to.split(","), *self.email_cc.split(",")) if a
        }


def attachment_path(instance, filename):
    # The stored name is generated; the client's name is kept only in `filename`.
    return f"attachments/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("article")
    )
    file = models.FileField(upload_to=attachment_path, max_length=255, verbose_name=_("file"))
    filename = models.CharField(max_length=255, verbose_name=_("filename"))
    content_type = models.CharField(
        max_length=100, default="application/octet-stream", verbose_name=_("content type")
    )
    size = models.PositiveBigIntegerField(default=0, verbose_name=_("size"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.filename


class TimeEntry(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="time_entries", verbose_name=_("ticket")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agent"),
    )
    minutes = models.PositiveIntegerField(verbose_name=_("minutes"))
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))
    overage_accepted = models.BooleanField(default=False, verbose_name=_("overage accepted"))
    overage_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overage accepted by"),
    )
    overage_accepted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("overage accepted at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="timeentry_minutes_positive"),
        ]

    def __str__(self):
        return f"{self.minutes} min on {self.ticket_id}"


class TicketEvent(models.Model):
    """Append-only history of a ticket."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(max_length=50, verbose_name=_("action"))
    from_value = models.CharField(max_length=255, blank=True, verbose_name=_("from value"))
    to_value = models.CharField(max_length=255, blank=True, verbose_name=_("to value"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_idx")]

    def __str__(self):
        return f"{self.action}: {self.from_value} → {self.to_value}"


class AgentPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_preferences"
    )
    my_queues = models.ManyToManyField(Queue, related_name="+", blank=True)
    language = models.CharField(max_length=10, blank=True, validators=[validate_language])
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])

    class Meta:
        verbose_name_plural = "agent preferences"

    def __str__(self):
        return f"Preferences of {self.user}"


class TicketCounter(models.Model):
    """One row per day; incremented under a row lock so numbers are unique under concurrency."""

    day = models.DateField(primary_key=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day}: {self.value}"
