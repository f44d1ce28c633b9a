"""factory-boy factories for every model. Reference data (states, priorities, the default
queue) comes from the data migration and is looked up, never duplicated."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from contracts.models import SLA, Contract, ContractNotification, Service
from customers.models import Area, Customer, CustomerUser, Location, NotificationGroup
from dashboards.models import DashboardPreference
from helpdesk.models import OutboxMessage
from mailgate.models import InboundMessage, MailAccount
from tickets.models import (
    AgentPreferences,
    Article,
    Attachment,
    Priority,
    Queue,
    Team,
    Ticket,
    TicketEvent,
    TicketState,
    TicketType,
    TimeEntry,
)

User = get_user_model()
PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AgentFactory(UserFactory):
    username = factory.Sequence(lambda n: f"agent{n}")
    is_staff = True


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    customer_id = factory.Sequence(lambda n: f"CUST{n:04d}")
    name = factory.Faker("company")
    city = factory.Faker("city")
    country = "Germany"


class CustomerUserFactory(DjangoModelFactory):
    """A customer user who is a member of its primary customer (DESIGN §4)."""

    class Meta:
        model = CustomerUser
        skip_postgeneration_save = True

    login = factory.Sequence(lambda n: f"cuser{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.login}@customer.example.com")
    customer = factory.SubFactory(CustomerFactory)

    @factory.post_generation
    def customers(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.customers.add(obj.customer, *(extracted or []))


class PortalUserFactory(CustomerUserFactory):
    """A customer user with a portal login (`user.username == login`)."""

    user = factory.SubFactory(
        UserFactory,
        username=factory.SelfAttribute("..login"),
        email=factory.SelfAttribute("..email"),
    )


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    address = factory.Faker("address")


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Floor {n}")


class NotificationGroupFactory(DjangoModelFactory):
    class Meta:
        model = NotificationGroup

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    events = factory.LazyFunction(list)


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")


class SLAFactory(DjangoModelFactory):
    class Meta:
        model = SLA

    name = factory.Sequence(lambda n: f"SLA {n}")
    first_response_minutes = 60
    update_minutes = 240
    solution_minutes = 480


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    description = factory.Sequence(lambda n: f"Support contract {n}")
    customer_contact = factory.SubFactory(
        CustomerUserFactory, customer=factory.SelfAttribute("..customer")
    )
    support_contact = factory.SubFactory(AgentFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.services.add(*extracted)


class ContractNotificationFactory(DjangoModelFactory):
    class Meta:
        model = ContractNotification

    contract = factory.SubFactory(ContractFactory)
    kind = ContractNotification.Kind.THRESHOLD
    key = factory.Sequence(lambda n: f"key{n}")


class QueueFactory(DjangoModelFactory):
    class Meta:
        model = Queue

    name = factory.Sequence(lambda n: f"Queue {n}")
    first_response_minutes = 120
    update_minutes = 480
    solution_minutes = 1440


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.add(*extracted)

    @factory.post_generation
    def queues(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.queues.add(*extracted)


class TicketTypeFactory(DjangoModelFactory):
    class Meta:
        model = TicketType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Type {n}")


def state(name: str) -> TicketState:
    return TicketState.objects.get(name=name)


def priority(level: int) -> Priority:
    return Priority.objects.get(level=level)


class TicketFactory(DjangoModelFactory):
    """A ticket row written directly (no services): for arranging lists and rules.

    Pass `state="pending"` (a state name) and `created_at=` freely; both are honoured.
    """

    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"2026010100{n:06d}")
    title = factory.Faker("sentence", nb_words=5)
    queue = factory.SubFactory(QueueFactory)
    state = factory.LazyFunction(lambda: state("new"))
    priority = factory.LazyFunction(lambda: priority(3))
    customer_user = factory.SubFactory(CustomerUserFactory)
    customer = factory.LazyAttribute(
        lambda t: t.customer_user.customer if t.customer_user else None
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs.get("state"), str):
            kwargs["state"] = state(kwargs["state"])
        if isinstance(kwargs.get("priority"), int):
            kwargs["priority"] = priority(kwargs["priority"])
        created_at = kwargs.pop("created_at", None)
        obj = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=obj.pk).update(created_at=created_at)
            obj.created_at = created_at
        return obj


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    ticket = factory.SubFactory(TicketFactory)
    sender_type = Article.SenderType.AGENT
    channel = "note"
    is_public = False
    subject = factory.Faker("sentence", nb_words=4)
    body = factory.Faker("paragraph")


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = Attachment

    article = factory.SubFactory(ArticleFactory)
    file = factory.django.FileField(filename="report.txt", data=b"hello")
    filename = "report.txt"
    content_type = "text/plain"
    size = 5


class TimeEntryFactory(DjangoModelFactory):
    """Time as booked: the ticket's contract's stored hours used grows by the minutes."""

    class Meta:
        model = TimeEntry

    ticket = factory.SubFactory(TicketFactory)
    agent = factory.SubFactory(AgentFactory)
    minutes = 30

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from django.db import transaction

        from contracts.services import contract_minutes_add

        with transaction.atomic():
            entry = super()._create(model_class, *args, **kwargs)
            contract_id = Ticket.objects.filter(pk=entry.ticket_id).values_list(
                "contract_id", flat=True
            )[0]
            if contract_id:
                contract = Contract.objects.select_for_update().get(pk=contract_id)
                contract_minutes_add(contract=contract, minutes=entry.minutes, at=entry.created_at)
        return entry


class TicketEventFactory(DjangoModelFactory):
    class Meta:
        model = TicketEvent

    ticket = factory.SubFactory(TicketFactory)
    action = "note"


class AgentPreferencesFactory(DjangoModelFactory):
    class Meta:
        model = AgentPreferences
        skip_postgeneration_save = True

    user = factory.SubFactory(AgentFactory)

    @factory.post_generation
    def my_queues(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.my_queues.add(*extracted)


class DashboardPreferenceFactory(DjangoModelFactory):
    class Meta:
        model = DashboardPreference

    user = factory.SubFactory(AgentFactory)
    dashboard = "cic"
    widget = "new-tickets"


class OutboxMessageFactory(DjangoModelFactory):
    """An outbox row as the outbox writes it (for pages that list them; the writes that owe
    emails are tested through their services)."""

    class Meta:
        model = OutboxMessage

    kind = "reminder"
    key = factory.Sequence(lambda n: f"ticket:{n}:pending:2026-01-01T00:00:00+00:00")
    recipient = factory.Sequence(lambda n: f"agent{n}@example.com")
    message_id = factory.Sequence(lambda n: f"<{n}@example.com>")


class MailAccountFactory(DjangoModelFactory):
    class Meta:
        model = MailAccount

    name = factory.Sequence(lambda n: f"mailbox{n}")
    host = "127.0.0.1"
    port = 143
    security = MailAccount.Security.NONE
    username = factory.Sequence(lambda n: f"user{n}")
    password = "secret"


class InboundMessageFactory(DjangoModelFactory):
    """A received email as intake records it, with its raw message kept."""

    class Meta:
        model = InboundMessage

    message_id = factory.Sequence(lambda n: f"<inbound-{n}@example.com>")
    received_at = factory.LazyFunction(timezone.now)
    sender = factory.Sequence(lambda n: f"sender{n}@example.com")
    subject = factory.Sequence(lambda n: f"Message {n}")
    outcome = InboundMessage.Outcome.NEW_TICKET
    raw = factory.django.FileField(
        filename="message.eml", data=b"From: jane@customer.example.com\r\n\r\nHello\r\n"
    )
