from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, CustomerUser
from helpdesk.models import TimeStamped


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def top_level(self):
        return self.filter(parent__isnull=True)

    def in_tree_order(self):
        """Each service, then its sub-services ("Workplace", "Workplace › Laptop", …), so a
        list of "Parent › Child" names reads as a tree."""
        return self.order_by(
            Coalesce("parent__name", "name"), F("parent").asc(nulls_first=True), "name", "id"
        )


class ServiceManager(models.Manager.from_queryset(ServiceQuerySet)):
    def get_queryset(self):
        # `__str__` shows the parent; every select of services would otherwise query per row.
        return super().get_queryset().select_related("parent")


class Service(TimeStamped):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
        help_text=_("Set for a sub-category of another service."),
    )
    is_active = models.BooleanField(_("is active"), default=True)

    objects = ServiceManager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="service_not_own_parent"
            ),
        ]

    def __str__(self):
        # Names of the default catalogue are in the translation catalogue too.
        name = gettext(self.name)
        return f"{gettext(self.parent.name)} › {name}" if self.parent_id else name


class SLA(TimeStamped):
    name = models.CharField(_("name"), max_length=200, unique=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first response minutes"), null=True, blank=True
    )
    update_minutes = models.PositiveIntegerField(_("update minutes"), null=True, blank=True)
    solution_minutes = models.PositiveIntegerField(_("solution minutes"), null=True, blank=True)
    services = models.ManyToManyField(
        Service, related_name="slas", blank=True, verbose_name=_("services")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA")
        verbose_name_plural = _("SLAs")

    def __str__(self):
        return gettext(self.name)


class ContractQuerySet(models.QuerySet):
    def active(self, today=None):
        """Active and running today (start/end dates inclusive, open ends allowed)."""
        today = today or timezone.localdate()
        return self.filter(is_active=True, start_date__lte=today).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        )

    def with_minutes_recounted(self):
        """The hours-used rule (DESIGN §4) summed now, as `minutes_recounted`: the minutes of
        the time entries of each contract's tickets, 0 without any. `minutes_used` stores it
        (`contracts.services`)."""
        return self.annotate(minutes_recounted=Coalesce(Sum("tickets__time_entries__minutes"), 0))


class Contract(TimeStamped):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("customer")
    )
    description = models.CharField(_("description"), max_length=255)
    purchase_order_number = models.CharField(_("purchase order number"), max_length=100, blank=True)
    customer_contact = models.ForeignKey(
        CustomerUser,
        on_delete=models.PROTECT,
        related_name="contracts_as_contact",
        verbose_name=_("customer contact"),
    )
    support_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contracts_supported",
        verbose_name=_("support contact"),
    )
    support_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts_managed",
        verbose_name=_("support manager"),
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    has_hour_restriction = models.BooleanField(_("contract has hour restriction"), default=False)
    contract_hours = models.DecimalField(
        _("contract hours"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    hours_notification_threshold = models.DecimalField(
        _("hours notification threshold"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Hours used at which a warning goes out."),
    )
    services = models.ManyToManyField(
        Service,
        related_name="contracts",
        blank=True,
        verbose_name=_("services"),
        help_text=_("Services available in the portal."),
    )
    sla = models.ForeignKey(
        SLA,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("SLA"),
    )
    is_active = models.BooleanField(_("is active"), default=True)
    # The running total behind `hours_used`: minutes of the time entries of the contract's
    # tickets (DESIGN §4), kept by `contracts.services` in the transaction that books, moves or
    # removes time, under the contract's row lock. Edits go through `contract_save`, which
    # reads the row under that lock, so no stale copy is written back.
    minutes_used = models.PositiveBigIntegerField(_("minutes used"), default=0, editable=False)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_date", "description"]
        indexes = [models.Index(fields=["customer", "is_active"], name="contract_customer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="contract_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(has_hour_restriction=False) | Q(contract_hours__gt=0),
                name="contract_hours_when_restricted",
            ),
            models.CheckConstraint(
                condition=Q(hours_notification_threshold__isnull=True)
                | (
                    Q(hours_notification_threshold__gt=0)
                    & Q(hours_notification_threshold__lt=models.F("contract_hours"))
                ),
                name="contract_threshold_below_hours",
            ),
        ]

    def __str__(self):
        return f"{self.customer.customer_id}: {self.description}"

    def clean(self):
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = gettext("The end date cannot be before the start date.")
        if self.has_hour_restriction:
            if self.contract_hours is None:
                errors["contract_hours"] = gettext(
                    "Contract hours are required when hours are restricted."
                )
            elif self.contract_hours <= 0:
                errors["contract_hours"] = gettext("Contract hours must be greater than 0.")
        if self.hours_notification_threshold is not None:
            if self.hours_notification_threshold <= 0:
                errors["hours_notification_threshold"] = gettext(
                    "The threshold must be greater than 0."
                )
            elif self.contract_hours is None or (
                self.hours_notification_threshold >= self.contract_hours
            ):
                errors["hours_notification_threshold"] = gettext(
                    "The threshold must be below the contract hours."
                )
        if self.customer_contact_id and self.customer_id:
            contact = self.customer_contact
            if not contact.is_active or not contact.customers.filter(pk=self.customer_id).exists():
                errors["customer_contact"] = gettext("Choose an active contact of this customer.")
        if self.support_contact_id and not self.support_contact.is_staff:
            errors["support_contact"] = gettext("The support contact must be an agent.")
        if self.support_manager_id and not self.support_manager.is_staff:
            errors["support_manager"] = gettext("The support manager must be an agent.")
        if errors:
            raise ValidationError(errors)

    @property
    def hours_used(self) -> Decimal:
        return (Decimal(self.minutes_used) / 60).quantize(Decimal("0.01"))

    @property
    def hours_remaining(self) -> Decimal | None:
        if not self.has_hour_restriction or self.contract_hours is None:
            return None
        return self.contract_hours - self.hours_used

    @property
    def percent_used(self) -> int:
        if not self.has_hour_restriction or not self.contract_hours:
            return 0
        return min(100, int(self.hours_used * 100 / self.contract_hours))

    @property
    def limit_reached(self) -> bool:
        return bool(
            self.has_hour_restriction
            and self.contract_hours is not None
            and self.hours_used >= self.contract_hours
        )


class ContractNotification(models.Model):
    """A notice the contract raised: its hour threshold or limit reached (once per hour
    limit) or a ticket on it closed (once per close). The emails it owes are outbox rows."""

    class Kind(models.TextChoices):
        THRESHOLD = "threshold", _("Hour threshold reached")
        LIMIT = "limit", _("Hour limit reached")
        TICKET_CLOSED = "ticket_closed", _("Ticket closed")

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("contract")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What makes a notice unique: the hour limit it was sent for (a raised limit re-arms it),
    # or the ticket and close time for "ticket closed".
    key = models.CharField(max_length=100)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    # When the notice was raised; its emails, one per recipient, are in the outbox
    # (helpdesk.OutboxMessage, key `contract:<contract id>:<key>`).
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract notification")
        verbose_name_plural = _("contract notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "key"], name="contract_notification_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.contract}"


class ContractHourUsage(models.Model):
    """Minutes booked on a contract's tickets in one hour (UTC): what the usage chart adds up
    by the viewer's days, so it reads at most one row per booked hour of the contract however
    many time entries there are. Kept with `Contract.minutes_used`, under the same row lock
    (`contracts.services`)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    minutes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "hour"], name="contract_hour_usage_unique")
        ]

    def __str__(self):
        return f"{self.contract_id} {self.hour:%Y-%m-%d %H:00}: {self.minutes} min"
