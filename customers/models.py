from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import prefetch_related_objects
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from helpdesk.models import TimeStamped
from helpdesk.validators import login_validator, validate_language, validate_time_zone


class CustomerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


# Customer IDs appear in URLs: no slashes, backslashes or control characters.
customer_id_validator = RegexValidator(
    r"^[^/\\\x00-\x1f\x7f]+$",
    _("Use letters, digits, spaces and punctuation other than / and \\."),
)


class Customer(TimeStamped):
    customer_id = models.CharField(
        _("customer ID"), max_length=50, unique=True, validators=[customer_id_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street"), max_length=200, blank=True)
    zip = models.CharField(_("ZIP"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    url = models.URLField(_("URL"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Where its people are; blank: the site's zone."),
    )
    is_active = models.BooleanField(_("is active"), default=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["customer_id"]
        indexes = [
            models.Index(Upper("customer_id"), name="customer_cid_upper_idx"),
            models.Index(Upper("name"), name="customer_name_upper_idx"),
            models.Index(fields=["is_active", "customer_id"], name="customer_active_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id} – {self.name}"


class CustomerUserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def of_customer(self, customer):
        """Primary users and members of the customer (`customers` holds both, DESIGN §4)."""
        return self.filter(customers=customer)

    def of_customers(self, customer_ids):
        """Users of any of these customers, each once."""
        members = CustomerUser.customers.through.objects.filter(customer_id__in=customer_ids)
        return self.filter(pk__in=members.values("customeruser_id"))


class CustomerUser(TimeStamped):
    login = models.CharField(_("login"), max_length=150, unique=True, validators=[login_validator])
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=50, blank=True)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="primary_users",
        verbose_name=_("primary customer"),
    )
    customers = models.ManyToManyField(
        Customer, related_name="customer_users", blank=True, verbose_name=_("customers")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer_user",
        verbose_name=_("portal login"),
    )
    is_power_user = models.BooleanField(
        _("is power user"),
        default=False,
        help_text=_("Sees every ticket of its customers in the portal."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        validators=[validate_language],
        help_text=_("Blank: the browser's."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Blank: the customer's zone."),
    )
    is_active = models.BooleanField(_("is active"), default=True)

    objects = CustomerUserQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer user")
        verbose_name_plural = _("customer users")
        ordering = ["last_name", "first_name", "login"]
        indexes = [
            models.Index(Upper("login"), name="cu_login_upper_idx"),
            models.Index(Upper("email"), name="cu_email_upper_idx"),
            models.Index(Upper("last_name"), name="cu_last_upper_idx"),
            models.Index(Upper("first_name"), name="cu_first_upper_idx"),
            models.Index(fields=["customer", "is_active"], name="cu_customer_active_idx"),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def customer_ids(self) -> list[int]:
        """Ids of the user's customers: its `customers`, the primary one included (DESIGN §4;
        the services and the admin keep it there).

        Loaded once per instance like a prefetch, and forgotten like one when `customers`
        changes through this instance. Rules pass them as literal ids, which the
        `(customer_id, …)` indexes answer also inside an `OR`.
        """
        prefetch_related_objects([self], "customers")
        return sorted(customer.pk for customer in self.customers.all())


class Location(TimeStamped):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="locations", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("is active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"], name="location_unique_name"),
        ]

    def __str__(self):
        return self.name


class Area(TimeStamped):
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="areas", verbose_name=_("location")
    )
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("is active"), default=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="area_unique_name"),
        ]

    def __str__(self):
        return self.name


class NotificationEvent(models.TextChoices):
    TICKET_CREATED = "ticket_created", _("Ticket created")
    AGENT_PUBLIC_REPLY = "agent_public_reply", _("Public reply by an agent")
    TICKET_CLOSED = "ticket_closed", _("Ticket closed")
    CONTRACT_THRESHOLD = "contract_threshold", _("Contract hour threshold reached")
    CONTRACT_LIMIT = "contract_limit", _("Contract hour limit reached")


class NotificationGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_event(self, customer, event):
        """Active groups of the customer subscribed to the event.

        `events` is a JSON list of keys; none is a substring of another, so a text match on the
        quoted key works the same on PostgreSQL and SQLite (SQLite has no JSON containment).
        """
        qs = self.active().filter(customer=customer)
        return qs.filter(events__icontains=f'"{event}"')


class NotificationGroup(TimeStamped):
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="notification_groups",
        verbose_name=_("customer"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    events = models.JSONField(
        _("events"), default=list, blank=True, help_text=_("List of NotificationEvent values.")
    )
    customer_users = models.ManyToManyField(
        CustomerUser,
        related_name="notification_groups",
        blank=True,
        verbose_name=_("customer users"),
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="notification_groups",
        blank=True,
        verbose_name=_("agents"),
    )
    is_active = models.BooleanField(_("is active"), default=True)

    objects = NotificationGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification group")
        verbose_name_plural = _("notification groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "name"], name="notification_group_unique_name"
            ),
        ]

    def __str__(self):
        return self.name

    def get_events_display(self):
        labels = dict(NotificationEvent.choices)
        return ", ".join(str(labels.get(e, e)) for e in self.events)
