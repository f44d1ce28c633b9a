import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from contracts.models import SLA, Contract, Service
from customers.models import Area, Customer, CustomerUser, Location
from helpdesk.models import TimeStamped
from helpdesk.validators import validate_time_zone

from .querysets import TicketQuerySet
from .states import (
    COMPLETED_TYPES,
    INCOMPLETE_TYPES,
    PENDING_TYPES,
    StateType,
)


class Queue(TimeStamped):
    name = models.CharField(max_length=100, unique=True)

    class FollowUpClosed(models.TextChoices):
        REOPEN = "reopen", "Reopen the ticket"
        NEW_TICKET = "new_ticket", "Open a new ticket"
        REJECT = "reject", "Reject the email"

    # null, not blank: unique among the queues that have one.
    email_address = models.EmailField(
        null=True,
        blank=True,
        unique=True,
        help_text="Mail to this address lands in this queue; replies go out from it.",
    )
    auto_reply = models.BooleanField(
        default=False, help_text="Confirm a new ticket to whoever wrote it by email."
    )
    follow_up_closed = models.CharField(
        max_length=10,
        choices=FollowUpClosed.choices,
        default=FollowUpClosed.REOPEN,
        help_text="What an email answer to a closed ticket does.",
    )
    is_active = models.BooleanField(default=True)
    # Used for escalation when a ticket has no SLA.
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    update_minutes = models.PositiveIntegerField(null=True, blank=True)
    solution_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(TimeStamped):
    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="helpdesk_teams", blank=True
    )
    queues = models.ManyToManyField(Queue, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Priority(models.Model):
    name = models.CharField(max_length=50)
    level = models.PositiveSmallIntegerField(unique=True, help_text="1 = critical … 4 = low")

    class Meta:
        ordering = ["level"]
        verbose_name_plural = "priorities"
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1), name="priority_level_positive"),
        ]

    def __str__(self):
        return f"{self.level} {self.name}"


class TicketType(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TicketState(models.Model):
    name = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    state_type = models.CharField(max_length=20, choices=StateType.choices, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.label

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
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    PORTAL = "portal", "Portal"
    WEB = "web", "Web"


class Impact(models.IntegerChoices):
    DEPARTMENT = 1, "A department"
    SERVICE = 2, "A service"
    PERSON = 3, "A person"


class Urgency(models.IntegerChoices):
    CRITICAL = 1, "Critical"
    HIGH = 2, "High"
    MEDIUM = 3, "Medium"
    LOW = 4, "Low"


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 1, "Very satisfied"
    SATISFIED = 2, "Satisfied"
    DISSATISFIED = 3, "Dissatisfied"
    VERY_DISSATISFIED = 4, "Very dissatisfied"


# Priority level by impact (row) and urgency (column), DESIGN §4.
PRIORITY_MATRIX = {
    1: {1: 1, 2: 1, 3: 2, 4: 4},
    2: {1: 1, 2: 2, 3: 3, 4: 4},
    3: {1: 2, 2: 3, 3: 3, 4: 4},
}


def priority_level(impact: int, urgency: int) -> int:
    return PRIORITY_MATRIX[impact][urgency]


class Ticket(TimeStamped):
    number = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=255)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="tickets")
    state = models.ForeignKey(TicketState, on_delete=models.PROTECT, related_name="tickets")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="tickets")
    type = models.ForeignKey(
        TicketType, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    sla = models.ForeignKey(
        SLA,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name="SLA",
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    customer_user = models.ForeignKey(
        CustomerUser, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_tickets",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_tickets",
    )
    is_locked = models.BooleanField(default=False)
    pending_until = models.DateTimeField(null=True, blank=True)
    impact = models.PositiveSmallIntegerField(choices=Impact.choices, null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PHONE)
    customer_contact_at = models.DateTimeField(
        null=True, blank=True, help_text="Last contact from the customer (drives the update time)."
    )
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_due = models.DateTimeField(null=True, blank=True)
    update_due = models.DateTimeField(null=True, blank=True)
    solution_due = models.DateTimeField(null=True, blank=True)
    escalation_due = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        choices=Satisfaction.choices, null=True, blank=True
    )
    satisfaction_comment = models.TextField(blank=True)
    # Idempotency markers for background notices: the due time a notice was sent for.
    reminder_notified_for = models.DateTimeField(null=True, blank=True, editable=False)
    escalation_notified_for = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
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
        AGENT = "agent", "Agent"
        CUSTOMER = "customer", "Customer"
        SYSTEM = "system", "System"

    class ArticleChannel(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        PORTAL = "portal", "Portal"
        NOTE = "note", "Note"
        WEB = "web", "Web"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="articles")
    sender_type = models.CharField(max_length=10, choices=SenderType.choices)
    channel = models.CharField(max_length=10, choices=ArticleChannel.choices, default="note")
    is_public = models.BooleanField(default=False, help_text="Shown in the portal's public log.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    # Email articles: the sanitised HTML part (nh3) and the addresses, lower-cased and
    # comma-separated, so the zoom can show them and intake knows who is on the thread.
    body_html = models.TextField(blank=True)
    email_from = models.CharField(max_length=255, blank=True)
    email_to = models.TextField(blank=True)
    email_cc = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.filename


class TimeEntry(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="time_entries")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=255, blank=True)
    overage_accepted = models.BooleanField(default=False)
    overage_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overage_accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "time entries"
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="timeentry_minutes_positive"),
        ]

    def __str__(self):
        return f"{self.minutes} min on {self.ticket_id}"


class TicketEvent(models.Model):
    """Append-only history of a ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=50)
    from_value = models.CharField(max_length=255, blank=True)
    to_value = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_idx")]

    def __str__(self):
        return f"{self.action}: {self.from_value} → {self.to_value}"


class AgentPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_preferences"
    )
    my_queues = models.ManyToManyField(Queue, related_name="+", blank=True)
    language = models.CharField(max_length=10, blank=True, choices=settings.LANGUAGES)
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
