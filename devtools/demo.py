"""Realistic, deterministic demo data for `manage.py seed_demo`.

Everything is generated from one `random.Random(seed)` and written with `bulk_create` in
batches, so the same seed gives the same customers, logins, ticket numbers, titles and states,
and a million tickets load in minutes: ticket numbers are computed here (day + counter, the
daily counters are stored at the end), escalation due times come from
`tickets.escalation.escalation_recompute` on the unsaved rows, nothing queries per row.

The demo owns the database it fills: `demo_reset` deletes every customer, contract and ticket
(reference data — states, priorities, the default queue — stays).
"""

from __future__ import annotations

import multiprocessing
import random
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, connections, models, transaction
from django.db.models import Max
from django.db.models.base import ModelState
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from tqdm import tqdm

from contracts.models import SLA, Contract, ContractHourUsage, ContractNotification, Service
from contracts.services import contracts_recount
from customers.models import Area, Customer, CustomerUser, Location, NotificationGroup
from customers.models import NotificationEvent as Event
from customers.services import customer_admin_group_ensure
from dashboards.models import TicketHourStat
from dashboards.stats import ticket_stats_refresh
from tickets.escalation import escalation_recompute
from tickets.models import (
    AgentPreferences,
    Article,
    Attachment,
    Priority,
    Queue,
    Team,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketState,
    TicketType,
    TimeEntry,
    priority_level,
)

User = get_user_model()

DEMO_PASSWORD = "demo1234!"  # noqa: S105 - the documented demo password, printed on purpose  # nosec B105
AGENT_DOMAIN = "helpdesk.example.com"  # e-mail domain of demo agents; `demo_reset` keys on it
BATCH = 5000


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Anna Ben Clara David Emma Felix Greta Hannah Ivan Julia Karl Laura Max Nina Oliver Paula "
    "Quentin Rosa Simon Tara Uwe Vera Walter Xenia Yusuf Zoe Aaron Bianca Carlos Dana Erik Fatima "
    "Georg Helena Ingrid Jonas Kim Lena Mario Nora Omar Petra Rafael Sofia Tom Ulla Viktor Wendy"
)
LAST_NAMES = _words(
    "Adams Becker Costa Dietrich Evans Fischer Garcia Hoffmann Ivanova Jansen Keller Lang Meyer "
    "Novak Olsen Peters Quinn Richter Schmidt Torres Ulrich Vogel Weber Young Zimmermann Brandt "
    "Clarke Doyle Engel Fuchs Graf Hartmann Jung Kraus Lorenz Moreau Nowak Otto Pohl Roth Sommer "
    "Thiel Berger Walsh Winter Yilmaz"
)
COMPANY_WORDS = _words(
    "Acme Northwind Contoso Fabrikam Globex Initech Umbrella Stark Wayne Tyrell Cyberdyne "
    "Hooli Vandelay Wonka Soylent Aperture Gringotts Oscorp Dunder Pied Massive Monarch Nakatomi "
    "Sirius Blue Silver Green Alpine Harbor Summit Polar Coastal Metro Urban Prairie Granite "
    "Cedar Falcon Orion Vertex Zenith Nimbus Quantum Pioneer Keystone Beacon Atlas Horizon"
)
COMPANY_KINDS = _words(
    "Logistics Consulting Foods Healthcare Engineering Media Retail Energy Finance Pharma "
    "Robotics Textiles Analytics Insurance Travel Labs Motors Systems Partners Holdings"
)
LEGAL_FORMS = ["GmbH", "AG", "Ltd", "Inc.", "KG", "SE", "LLC"]
CITIES = [
    ("Berlin", "10115", "Germany", "Europe/Berlin"),
    ("Hamburg", "20095", "Germany", "Europe/Berlin"),
    ("Munich", "80331", "Germany", "Europe/Berlin"),
    ("Cologne", "50667", "Germany", "Europe/Berlin"),
    ("Vienna", "1010", "Austria", "Europe/Vienna"),
    ("Zurich", "8001", "Switzerland", "Europe/Zurich"),
    ("Amsterdam", "1012", "Netherlands", "Europe/Amsterdam"),
    ("London", "EC1A 1BB", "United Kingdom", "Europe/London"),
    ("Paris", "75001", "France", "Europe/Paris"),
    ("Copenhagen", "1050", "Denmark", "Europe/Copenhagen"),
]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Market Street",
    "Harbour Road",
    "Industrieweg",
    "Parkallee",
]
LOCATION_NAMES = [
    gettext_noop("Headquarters"),
    gettext_noop("Branch office"),
    gettext_noop("Warehouse"),
    gettext_noop("Data center"),
    gettext_noop("Plant"),
    gettext_noop("Lab"),
]
AREA_NAMES = [
    gettext_noop("Ground floor"),
    gettext_noop("1st floor"),
    gettext_noop("2nd floor"),
    gettext_noop("Reception"),
    gettext_noop("Server room"),
    gettext_noop("Finance"),
    gettext_noop("Sales"),
    gettext_noop("Production"),
    gettext_noop("Meeting rooms"),
]

QUEUES = [
    # name, first response, update, solution minutes (default queue comes from the migration)
    (gettext_noop("Workplace"), 120, 480, 2880),
    (gettext_noop("Applications"), 240, 960, 4320),
    (gettext_noop("Network"), 60, 240, 1440),
    (gettext_noop("Hosting"), 60, 240, 1440),
    (gettext_noop("Billing"), 480, 2880, 10080),
]
TEAMS = [
    ("1st Level Support", ["Service Desk", "Workplace"]),
    ("Applications", ["Applications"]),
    ("Infrastructure", ["Network", "Hosting"]),
    ("Back Office", ["Billing"]),
]
TICKET_TYPES = [
    gettext_noop("Incident"),
    gettext_noop("Service request"),
    gettext_noop("Problem"),
    gettext_noop("Change"),
]
# Top-level service → sub-service → (queue, titles)
SERVICES = {
    gettext_noop("Workplace"): {
        gettext_noop("Laptop & desktop"): ("Workplace", ["Laptop does not boot after update",
            "Docking station not detecting monitors", "New laptop for {name}",
            "Keyboard replacement needed", "PC very slow since this morning"]),
        gettext_noop("Printing"): ("Workplace", ["Printer on {area} jams constantly",
            "Cannot print PDFs", "Toner empty on {area}", "Scan to e-mail not working"]),
        gettext_noop("Software installation"): ("Applications", ["Install Adobe Acrobat for {name}",
            "Visio licence request", "Update Office to the latest version"]),
        gettext_noop("Mobile devices"):
            ("Workplace", ["Phone does not sync mail", "New smartphone for {name}",
            "Lost phone – please wipe"]),
    },
    gettext_noop("Network & Access"): {
        gettext_noop("VPN"):
            ("Network", ["VPN disconnects every few minutes", "VPN access for {name}",
            "Cannot reach file server over VPN"]),
        gettext_noop("Wi-Fi"):
            ("Network", ["No Wi-Fi on {area}", "Guest Wi-Fi password for visitors",
            "Wi-Fi slow in the meeting rooms"]),
        gettext_noop("Firewall change"): ("Network", ["Open port 443 for the new web shop",
            "Allow partner IP range", "Firewall rule review"]),
    },
    gettext_noop("Email & Collaboration"): {
        gettext_noop("Mailbox"): ("Workplace", ["Mailbox full", "Shared mailbox for the sales team",
            "Out-of-office cannot be set", "Spam filter blocks supplier mails"]),
        gettext_noop("Video conferencing"): ("Applications", ["Camera not detected in Teams",
            "Meeting room display shows no picture", "Echo in video calls"]),
    },
    gettext_noop("Accounts"): {
        gettext_noop("Password reset"):
            ("Service Desk", ["Password reset for {name}", "Account locked out",
            "MFA device lost"]),
        gettext_noop("New employee"): ("Service Desk", ["Onboarding: {name} starts next Monday",
            "Accounts and hardware for new hire {name}"]),
        gettext_noop("Leaver"): ("Service Desk", ["Offboarding: {name} leaves at month end",
            "Disable accounts of {name}"]),
    },
    gettext_noop("Hosting"): {
        gettext_noop("Server"):
            ("Hosting", ["Disk space low on file server", "Web server returns 502",
            "Patch window for database servers"]),
        gettext_noop("Backup & restore"): ("Hosting", ["Restore deleted folder from yesterday",
            "Backup job failed last night", "Restore e-mail of {name}"]),
    },
    gettext_noop("Business Applications"): {
        gettext_noop("ERP"):
            ("Applications", ["ERP invoice run failed", "New user in ERP for {name}",
            "ERP report shows wrong totals"]),
        gettext_noop("CRM"):
            ("Applications", ["CRM export to Excel broken", "CRM access for {name}"]),
        gettext_noop("Accounting"): ("Billing", ["Question about the last invoice",
            "Please send a copy of invoice {num}", "Update billing address"]),
    },
}  # fmt: skip
SLAS = [
    (gettext_noop("Gold"), 30, 120, 480),
    (gettext_noop("Silver"), 60, 480, 1440),
    (gettext_noop("Bronze"), 240, 1440, 4320),
]
CUSTOMER_BODIES = [
    "Hello support team,\n\n{title}. It started this morning and several colleagues are "
    "affected. Could you please have a look?\n\nKind regards\n{name}",
    "Hi,\n\nwe need help: {title}. This is blocking our daily work.\n\nThanks\n{name}",
    "Dear support,\n\n{title}. I restarted everything already, nothing changed.\n\nBest\n{name}",
]
AGENT_REPLIES = [
    "Hello {name},\n\nthank you for your message. We are looking into it and will get back to "
    "you shortly.\n\nBest regards\nYour service desk",
    "Hi {name},\n\ncould you please send us a screenshot of the error message? Then we can "
    "continue.\n\nRegards\nService desk",
    "Hello {name},\n\nwe have applied a fix. Please check whether everything works again.\n\n"
    "Best regards\nService desk",
]
NOTES = [
    "Checked the logs, looks like a certificate problem. Escalating to 2nd level.",
    "Called the customer, issue reproduced. Ordering a replacement part.",
    "Known issue, see the change from last week. Waiting for the vendor.",
    "Remote session done, driver reinstalled.",
]

# State weights by ticket age: fresh (< 2 days), recent (< 30 days), old.
STATE_WEIGHTS = {
    "new": (30, 3, 0.2),
    "open": (18, 10, 1),
    "in_progress": (14, 10, 0.8),
    "awaiting_approval": (3, 2, 0.1),
    "planning": (2, 2, 0.1),
    "awaiting_implementation": (2, 2, 0.1),
    "implementing": (2, 1, 0.1),
    "declined": (1, 1, 0.2),
    "awaiting_backout": (1, 0.5, 0.05),
    "pending": (10, 8, 0.5),
    "pending_auto_close": (3, 4, 0.3),
    "resolved": (8, 20, 3),
    "closed": (4, 30, 70),
    "completed": (1, 5, 12),
    "cancelled": (1, 3, 5),
    "closed_with_backout": (0.2, 1, 1),
    "merged": (0.3, 1, 1.5),
    "removed": (0.2, 1, 1),
}
CHANNELS = ["phone", "email", "portal", "web"]
CHANNEL_WEIGHTS = [35, 35, 25, 5]


@dataclass
class Login:
    username: str
    role: str
    url: str


@dataclass
class _Customer:
    pk: int
    customer_id: str
    users: list[tuple[int, str]] = field(default_factory=list)  # (pk, display name)
    contract: tuple[int, SLA | None, list[int]] | None = None  # (pk, sla, leaf service pks)
    locations: list[tuple[int, list[int], str]] = field(default_factory=list)


@contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let `bulk_create` store the `created_at`/`updated_at` we computed.

    `auto_now`/`auto_now_add` fields overwrite any value on insert; demo history needs past
    dates, so the flags are switched off for the duration (single-threaded command only).
    """
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class RowMaker:
    """Builds unsaved model instances for `bulk_create` without `Model.__init__`.

    With a million rows, constructing instances (a descriptor call and a default lookup per
    field) costs more than the insert. An instance is its `_state` plus one attribute per
    concrete field (`attname`: `queue_id`, not `queue`); defaults are computed once, so this
    is only for models whose default values are never changed in place, and
    `pre_init`/`post_init` signals are not sent (none of the demo's models has receivers).
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}

    def __call__(self, **values) -> models.Model:
        unknown = values.keys() - self.defaults.keys()
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field(s) {sorted(unknown)}")
        obj = self.model.__new__(self.model)
        obj.__dict__.update(self.defaults)
        obj.__dict__.update(values)
        obj._state = ModelState()
        return obj


def rows_insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert unsaved instances: `bulk_create`, or on PostgreSQL one `COPY`.

    COPY skips Django's per-value preparation and SQL compilation, about half the loader's
    CPU at a million tickets. Values go as they are, so this is for instances whose
    attributes are already database values (ints, strings, aware datetimes, None) like
    `RowMaker` builds; a `None` primary key lets the database assign it.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and objs[0].pk is None)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    attnames = [f.attname for f in fields]
    with connection.cursor() as cursor:
        sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for obj in objs:
                values = obj.__dict__
                copy.write_row([values[name] for name in attnames])


# The tables a demo load fills: the big ones and the ones their queries join.
DEMO_MODELS = (
    User,
    Customer,
    CustomerUser,
    Location,
    Area,
    Contract,
    NotificationGroup,
    Ticket,
    Article,
    TicketEvent,
    TimeEntry,
    TicketCounter,
    TicketHourStat,
    ContractHourUsage,
)


def demo_logins() -> list[Login]:
    return [
        Login("admin", "administrator (Django admin)", reverse("admin:index")),
        Login("agent", "agent in 1st Level Support and Applications", reverse("login")),
        Login("customer", "portal user of ACME", reverse("portal:login")),
        Login("poweruser", "power portal user: every ticket of ACME", reverse("portal:login")),
    ]


def demo_reset() -> None:
    """Delete every customer, contract and ticket and the demo's users, leaf tables first."""
    with transaction.atomic():
        for model in (TicketEvent, TimeEntry, Attachment, ContractNotification):
            model.objects.all().delete()
        Article.objects.all().delete()
        Ticket.objects.all().delete()
        TicketCounter.objects.all().delete()
        NotificationGroup.objects.all().delete()
        Contract.objects.all().delete()
        Area.objects.all().delete()
        Location.objects.all().delete()
        User.objects.filter(customer_user__isnull=False).delete()
        CustomerUser.objects.all().delete()
        Customer.objects.all().delete()
        SLA.objects.all().delete()
        Service.objects.filter(parent__isnull=False).delete()
        Service.objects.all().delete()
        Team.objects.filter(name__in=[name for name, _ in TEAMS]).delete()
        Queue.objects.filter(name__in=[name for name, *_ in QUEUES]).delete()
        User.objects.filter(email__endswith=f"@{AGENT_DOMAIN}").delete()


class DemoBuilder:
    """Builds the demo in dependency order; `run()` returns a summary of row counts."""

    def __init__(
        self,
        *,
        customers: int,
        users_per_customer: int,
        tickets: int,
        seed: int,
        now: datetime | None = None,
        progress: bool = False,
        workers: int = 1,
        log: Callable[[str], None] = print,
        heavy_shares: tuple[float, ...] = (),
    ):
        if customers < 1 or users_per_customer < 2 or tickets < 0:
            raise ValueError("Need at least 1 customer, 2 users per customer and 0 tickets.")
        self.n_customers = customers
        self.users_per_customer = users_per_customer
        self.n_tickets = tickets
        self.seed = seed
        self.rng = random.Random(seed)
        self.workers = workers
        # Optional skew (`manage.py benchmark`): share of all tickets for ACME, then for the
        # next customers in order; the rest spreads over the others as usual.
        self.heavy_shares = tuple(heavy_shares)
        self.now = now or timezone.now()
        # Ticket history counts back from today's midnight, so the same seed gives the same
        # ticket numbers (they start with the creation day) all day, not only within a second.
        self.anchor = timezone.localtime(self.now).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        self.progress = progress
        self.log = log
        self.password = make_password(DEMO_PASSWORD)
        self.summary: dict[str, int] = defaultdict(int)

    # --- helpers ----------------------------------------------------------------------------

    def _bulk(self, model, objs: list, **kwargs) -> list:
        created = model.objects.bulk_create(objs, batch_size=BATCH, **kwargs)
        if not model._meta.auto_created:  # M2M link rows are not worth reporting
            self.summary[str(model._meta.verbose_name_plural)] += len(objs)
        return created

    def _person(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    # --- steps ------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        steps = [
            ("queues, teams and agents", self._reference, self._agents),
            ("services and SLAs", self._services),
            ("customers", self._customers),
            ("customer users", self._customer_users),
            ("locations and areas", self._locations),
            ("contracts", self._contracts),
            ("notification groups", self._notification_groups),
        ]
        with transaction.atomic(), explicit_timestamps(Customer, CustomerUser):
            for label, *functions in steps:
                if self.progress:
                    self.log(f"Creating {label}…")
                for function in functions:
                    function()
        if self.progress:
            self.log(f"Creating {self.n_tickets:,} tickets with articles and time entries…")
        self._tickets()
        # The agent dashboard's ticket stats count what was just loaded (beat recounts later).
        ticket_stats_refresh()
        return dict(self.summary)

    def _reference(self) -> None:
        self.states = {s.name: s for s in TicketState.objects.all()}
        self.priorities = {p.level: p for p in Priority.objects.all()}
        self.types = [TicketType.objects.get_or_create(name=name)[0] for name in TICKET_TYPES]
        self.queues = {q.name: q for q in Queue.objects.filter(name="Service Desk")}
        for name, first, update, solution in QUEUES:
            self.queues[name], _ = Queue.objects.get_or_create(
                name=name,
                defaults={
                    "email_address": f"{name.lower().replace(' ', '-')}@{AGENT_DOMAIN}",
                    "first_response_minutes": first,
                    "update_minutes": update,
                    "solution_minutes": solution,
                },
            )

    def _agents(self) -> None:
        n_agents = 8 + self.n_customers // 1000
        users = [
            User(
                username="admin",
                first_name="Ada",
                last_name="Admin",
                email=f"admin@{AGENT_DOMAIN}",
                is_staff=True,
                is_superuser=True,
                password=self.password,
            ),
            User(
                username="agent",
                first_name="Alex",
                last_name="Agent",
                email=f"agent@{AGENT_DOMAIN}",
                is_staff=True,
                password=self.password,
            ),
        ]
        taken = {"admin", "agent"}
        while len(users) < n_agents + 1:
            first, last = self._person()
            username = f"{first}.{last}".lower()
            if username in taken:
                continue
            taken.add(username)
            users.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@{AGENT_DOMAIN}",
                    is_staff=True,
                    password=self.password,
                )
            )
        existing = set(User.objects.filter(username__in=taken).values_list("username", flat=True))
        self._bulk(User, [u for u in users if u.username not in existing])
        by_name = {u.username: u for u in User.objects.filter(username__in=taken)}
        self.admin = by_name["admin"]
        self.agent = by_name["agent"]
        self.agents = [by_name[u.username] for u in users[1:]]

        # Teams: the demo agent is in two of them; the others are spread round-robin.
        self.team_members: dict[str, list] = {}
        others = self.agents[1:]
        for i, (name, queue_names) in enumerate(TEAMS):
            team, _ = Team.objects.get_or_create(name=name)
            team.queues.set([self.queues[q] for q in queue_names])
            members = others[i :: len(TEAMS)]
            if name in ("1st Level Support", "Applications"):
                members = [self.agent, *members]
            team.members.set(members)
            for queue_name in queue_names:
                self.team_members[queue_name] = members or [self.agent]
        prefs, _ = AgentPreferences.objects.get_or_create(user=self.agent)
        prefs.my_queues.set([self.queues["Service Desk"], self.queues["Workplace"]])

        self.agent.groups.add(customer_admin_group_ensure())

    def _services(self) -> None:
        self.services: dict[str, Service] = {}
        self.leaves: list[tuple[Service, str, list[str]]] = []  # (service, queue, titles)
        self.leaves_by_top: dict[str, list[Service]] = {}
        for top, children in SERVICES.items():
            parent = Service.objects.create(name=top, description=f"{top} services")
            self.services[top] = parent
            self.leaves_by_top[top] = []
            for child, (queue, titles) in children.items():
                service = Service.objects.create(name=child, parent=parent)
                self.leaves.append((service, queue, titles))
                self.leaves_by_top[top].append(service)
        self.leaf_info = {s.pk: (s, queue, titles) for s, queue, titles in self.leaves}
        self.slas = []
        tops = list(SERVICES)
        for i, (name, first, update, solution) in enumerate(SLAS):
            sla = SLA.objects.create(
                name=name,
                first_response_minutes=first,
                update_minutes=update,
                solution_minutes=solution,
            )
            covered = tops[: len(tops) - 2 * i]
            sla.services.set(
                [self.services[t] for t in covered]
                + [s for t in covered for s in self.leaves_by_top[t]]
            )
            self.slas.append(sla)
        self.summary["services"] += len(self.leaves) + len(SERVICES)
        self.summary["SLAs"] += len(SLAS)

    def _customers(self) -> None:
        rng = self.rng
        rows, taken = [], set()
        for i in range(self.n_customers):
            if i == 0:
                word, kind, form = "Acme", "Corporation", ""
            else:
                word, kind = rng.choice(COMPANY_WORDS), rng.choice(COMPANY_KINDS)
                form = rng.choice(LEGAL_FORMS)
            code = "ACME" if i == 0 else f"{word[:5]}{kind[:3]}".upper()
            if code in taken:
                code = f"{code}{i}"
            taken.add(code)
            city, zip_code, country, zone = rng.choice(CITIES)
            created = self.now - timedelta(days=800 - rng.random() * 60)
            rows.append(
                Customer(
                    customer_id=code,
                    name=f"{word} {kind} {form}".strip(),
                    street=f"{rng.choice(STREETS)} {rng.randint(1, 180)}",
                    zip=zip_code,
                    city=city,
                    country=country,
                    time_zone=zone,
                    url=f"https://www.{word.lower()}-{kind.lower()}.example",
                    phone=f"+49 30 {rng.randint(1000000, 9999999)}",
                    is_active=i == 0 or rng.random() > 0.03,
                    created_at=created,
                    updated_at=created,
                )
            )
        created = self._bulk(Customer, rows)
        self.customers = [_Customer(pk=c.pk, customer_id=c.customer_id) for c in created]

    def _customer_users(self) -> None:
        rng = self.rng
        # Logins double as portal usernames, so they avoid every existing username too.
        taken = {"customer", "poweruser", *User.objects.values_list("username", flat=True)}
        rows, extra = [], []
        fixed = {
            0: ("customer", "Chris", "Customer", False),
            1: ("poweruser", "Pat", "Power", True),
        }
        for ci, customer in enumerate(self.customers):
            for j in range(self.users_per_customer):
                if ci == 0 and j in fixed:
                    login, first, last, power = fixed[j]
                else:
                    first, last = self._person()
                    login = f"{first}.{last}".lower()
                    if login in taken:
                        login = f"{login}{len(rows)}"
                    power = j == 0 and rng.random() < 0.5
                taken.add(login)
                created = self.now - timedelta(days=700 - rng.random() * 100)
                rows.append(
                    CustomerUser(
                        login=login,
                        first_name=first,
                        last_name=last,
                        email=f"{login}@{customer.customer_id.lower()}.example",
                        phone=f"+49 30 {rng.randint(1000000, 9999999)}",
                        customer_id=customer.pk,
                        is_power_user=power,
                        is_active=j < 2 or rng.random() > 0.05,
                        created_at=created,
                        updated_at=created,
                    )
                )
                # Several customers each: some contacts also work for one or two others.
                n_extra = 2 if ci == 0 and j == 1 else rng.choices((0, 1, 2), (55, 35, 10))[0]
                others = [rng.randrange(self.n_customers) for _ in range(n_extra)]
                extra.append({o for o in others if o != ci})
        # Portal logins: the two fixed users and one in ten of the others (same password).
        logins = [cu for i, cu in enumerate(rows) if i < 2 or rng.random() < 0.1]
        users = self._bulk(
            User,
            [
                User(
                    username=cu.login,
                    first_name=cu.first_name,
                    last_name=cu.last_name,
                    email=cu.email,
                    password=self.password,
                )
                for cu in logins
            ],
        )
        for cu, user in zip(logins, users, strict=True):
            cu.user_id = user.pk
        created = self._bulk(CustomerUser, rows)
        through = CustomerUser.customers.through
        links = []
        for ci, customer in enumerate(self.customers):
            block = created[ci * self.users_per_customer : (ci + 1) * self.users_per_customer]
            for offset, cu in enumerate(block):
                if cu.is_active:
                    customer.users.append((cu.pk, cu.first_name))
                links.append(through(customeruser_id=cu.pk, customer_id=customer.pk))
                for other in extra[ci * self.users_per_customer + offset]:
                    links.append(
                        through(customeruser_id=cu.pk, customer_id=self.customers[other].pk)
                    )
        self._bulk(through, links)

    def _locations(self) -> None:
        rng = self.rng
        rows, plan = [], []
        for ci, customer in enumerate(self.customers):
            if ci and rng.random() > 0.6:
                continue
            for name in rng.sample(LOCATION_NAMES, rng.randint(1, 3)):
                city = rng.choice(CITIES)[0]
                rows.append(Location(customer_id=customer.pk, name=name, address=f"{name}, {city}"))
                plan.append((customer, rng.sample(AREA_NAMES, rng.randint(1, 3))))
        locations = self._bulk(Location, rows)
        areas = [
            Area(location_id=loc.pk, name=name)
            for loc, (_, names) in zip(locations, plan, strict=True)
            for name in names
        ]
        areas = self._bulk(Area, areas)
        by_location = defaultdict(list)
        for area in areas:
            by_location[area.location_id].append(area.pk)
        for loc, (customer, _) in zip(locations, plan, strict=True):
            customer.locations.append((loc.pk, by_location[loc.pk], loc.name))

    def _contracts(self) -> None:
        rng = self.rng
        today = timezone.localdate(self.now)
        rows, services, plans = [], [], []
        tops = list(SERVICES)
        for ci, customer in enumerate(self.customers):
            if not customer.users:
                continue
            contact = customer.users[0][0]
            plan = []
            if ci == 0:
                plan.append(("Managed Workplace", tops, True, Decimal(40), self.slas[0], None))
                plan.append(("Hosting Premium", ["Hosting"], False, None, self.slas[1], None))
            else:
                if rng.random() < 0.85:
                    chosen = rng.sample(tops, rng.randint(2, 4))
                    limited = rng.random() < 0.4
                    hours = Decimal(rng.choice((20, 40, 80, 120, 200))) if limited else None
                    plan.append(("Support", chosen, limited, hours, rng.choice(self.slas), None))
                if rng.random() < 0.2:
                    ended = today - timedelta(days=rng.randint(30, 300))
                    plan.append(("Project", rng.sample(tops, 1), True, Decimal(80), None, ended))
            for description, chosen, limited, hours, sla, ended in plan:
                start = (ended or today) - timedelta(days=365)
                rows.append(
                    Contract(
                        customer_id=customer.pk,
                        description=f"{description} {start.year}",
                        purchase_order_number=f"PO-{rng.randint(10000, 99999)}",
                        customer_contact_id=contact,
                        support_contact_id=rng.choice(self.agents).pk,
                        support_manager_id=rng.choice(self.agents).pk if ci == 0 else None,
                        start_date=start,
                        end_date=ended or (today + timedelta(days=rng.randint(30, 365))),
                        has_hour_restriction=limited,
                        contract_hours=hours,
                        hours_notification_threshold=(hours * 4 / 5) if hours else None,
                        sla=sla,
                    )
                )
                leaves = [s for t in chosen for s in self.leaves_by_top[t]]
                services.append([self.services[t] for t in chosen] + leaves)
                plans.append((customer, sla, [s.pk for s in leaves], ended is None))
        contracts = self._bulk(Contract, rows)
        through = Contract.services.through
        self._bulk(
            through,
            [
                through(contract_id=c.pk, service_id=s.pk)
                for c, chosen in zip(contracts, services, strict=True)
                for s in chosen
            ],
        )
        for contract, (customer, sla, leaves, running) in zip(contracts, plans, strict=True):
            if running and customer.contract is None:
                customer.contract = (contract.pk, sla, leaves)

    def _notification_groups(self) -> None:
        rng = self.rng
        groups, members = [], []
        for ci, customer in enumerate(self.customers):
            if not customer.users or (ci and rng.random() > 0.2):
                continue
            groups.append(
                NotificationGroup(
                    customer_id=customer.pk,
                    name="IT contacts",
                    description="Receives every ticket and contract notice.",
                    events=[e.value for e in Event],
                )
            )
            members.append((customer.users[0][0], rng.choice(self.agents).pk))
        groups = self._bulk(NotificationGroup, groups)
        cu_through = NotificationGroup.customer_users.through
        agent_through = NotificationGroup.agents.through
        self._bulk(
            cu_through,
            [
                cu_through(notificationgroup_id=g.pk, customeruser_id=cu)
                for g, (cu, _) in zip(groups, members, strict=True)
            ],
        )
        self._bulk(
            agent_through,
            [
                agent_through(notificationgroup_id=g.pk, user_id=agent)
                for g, (_, agent) in zip(groups, members, strict=True)
            ],
        )

    # --- tickets ----------------------------------------------------------------------------

    def _ticket_plan(self) -> list[tuple[float, str | None]]:
        """(age in seconds, forced state) per ticket, oldest first.

        One ticket per state is forced onto the demo agent and ACME (recent, so it is visible
        in the widgets); the forced `open` one has no response yet, so it is escalated.
        """
        rng = self.rng
        day = 86400.0
        forced = list(STATE_WEIGHTS) if self.n_tickets >= len(STATE_WEIGHTS) else []
        plan = [(3 * 3600.0 + i * 1200.0, name) for i, name in enumerate(forced)]
        for _ in range(self.n_tickets - len(forced)):
            r = rng.random()
            if r < 0.15:
                age = rng.random() * 2 * day
            elif r < 0.40:
                age = 2 * day + rng.random() * 28 * day
            else:
                age = 30 * day + rng.random() * 700 * day
            plan.append((age, None))
        plan.sort(key=lambda item: -item[0])
        return plan

    def _tickets(self) -> None:
        """Tickets with their articles, events and time entries, in batches.

        Numbers are assigned here in creation order (day + daily counter); each batch draws
        from its own generator seeded by (seed, batch index) and gets a pre-assigned id range,
        so batches are independent: on PostgreSQL they run in parallel worker processes and
        the data is the same either way.
        """
        if not self.n_tickets:
            return
        counters = dict(TicketCounter.objects.values_list("day", "value"))
        numbered = []
        for age, forced in self._ticket_plan():
            day = timezone.localdate(self.anchor - timedelta(seconds=age))
            counters[day] = counters.get(day, 0) + 1
            numbered.append((age, forced, f"{day:%Y%m%d}{counters[day]:08d}"))
        first_id = (Ticket.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        batches = [
            (index, first_id + start, numbered[start : start + BATCH])
            for index, start in enumerate(range(0, len(numbered), BATCH))
        ]
        global _builder  # read by the forked workers
        _builder = self
        # Forking is only safe from a single-threaded process (a live server, say, is not),
        # so the workers start before tqdm starts its monitor thread.
        parallel = (
            self.workers > 1 and threading.active_count() == 1 and connection.vendor == "postgresql"
        )
        with explicit_timestamps(Ticket, Article, TicketEvent, TimeEntry):
            if parallel:
                connections.close_all()  # each forked worker opens its own connection
                with multiprocessing.get_context("fork").Pool(self.workers) as pool:
                    bar = self._progress_bar(len(numbered))
                    for counts in pool.imap_unordered(_insert_batch, batches):
                        self._count(counts, bar)
            else:
                bar = self._progress_bar(len(numbered))
                for batch in batches:
                    self._count(_insert_batch(batch), bar)
        bar.close()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Ticket]):
                cursor.execute(sql)
        TicketCounter.objects.bulk_create(
            [TicketCounter(day=day, value=value) for day, value in counters.items()],
            update_conflicts=True,
            unique_fields=["day"],
            update_fields=["value"],
        )
        # Time entries went in as bulk rows: store each contract's hours used (the rule's sum).
        contracts_recount()

    def _progress_bar(self, total: int):
        return tqdm(total=total, unit="ticket", disable=not self.progress, smoothing=0.05)

    def _count(self, counts: dict[str, int], bar) -> None:
        for name, count in counts.items():
            self.summary[name] += count
        bar.update(counts["tickets"])

    def _ticket_batch(self, index: int, first_id: int, plan) -> dict[str, int]:
        rng, now = random.Random(self.seed * 1_000_003 + index), self.now
        anchor = self.anchor
        state_names = list(STATE_WEIGHTS)
        cum_weights = [
            list(accumulate(w[band] for w in STATE_WEIGHTS.values())) for band in range(3)
        ]
        acme = self.customers[0]
        share_acme = min(0.1, 80 / self.n_tickets)
        n = len(self.customers)
        make_ticket = RowMaker(Ticket)
        tickets, extras = [], []
        for age, forced, number in plan:
            created = anchor - timedelta(seconds=age)
            if forced:
                state_name = forced
            else:
                band = 0 if age < 2 * 86400 else 1 if age < 30 * 86400 else 2
                state_name = rng.choices(state_names, cum_weights=cum_weights[band])[0]
            state = self.states[state_name]
            kind = state.state_type
            if forced or n == 1:
                customer = acme
            elif self.heavy_shares:
                customer = self._skewed_customer(rng)
            elif rng.random() < share_acme:
                customer = acme
            else:
                customer = self.customers[1 + int((n - 1) * rng.random() ** 1.5)]
            if forced:
                cu_pk, cu_name = acme.users[len(tickets) % 2]
            elif customer.users:
                cu_pk, cu_name = rng.choice(customer.users)
            else:
                cu_pk, cu_name = None, "team"
            contract = customer.contract if (forced or rng.random() < 0.8) else None
            if contract and contract[2]:
                service_pk = rng.choice(contract[2])
            else:
                service_pk = rng.choice(self.leaves)[0].pk
            service, queue_name, titles = self.leaf_info[service_pk]
            if forced:
                queue_name = "Service Desk"
            location = rng.choice(customer.locations) if customer.locations else None
            area = rng.choice(location[1]) if location and location[1] else None
            title = rng.choice(titles).format(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                area=location[2] if location else "2nd floor",
                num=f"R-{rng.randint(10000, 99999)}",
            )
            channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
            impact, urgency = rng.randint(1, 3), rng.choices((1, 2, 3, 4), (1, 3, 5, 2))[0]
            queue = self.queues[queue_name]
            owner = None
            if forced:
                owner = self.agent
            elif kind != "new":
                owner = rng.choice(self.team_members[queue_name])
            locked = (
                owner is not None
                and kind in ("open", "pending_reminder")
                and (forced is not None or rng.random() < 0.5)
            )
            responded = (
                kind != "new"
                and (forced != "open")
                and (age > 600)
                and (forced is not None or rng.random() < 0.85)
            )
            first_response = created + timedelta(seconds=age * rng.uniform(0.01, 0.2))
            contact = created + timedelta(seconds=age * rng.uniform(0.0, 0.7))
            pending_until = None
            if kind == "pending_reminder":
                offset = -1200 if forced else rng.uniform(-6 * 3600, 3 * 86400)
                pending_until = now + timedelta(seconds=offset)
            elif kind == "pending_auto_close":
                pending_until = now + timedelta(seconds=rng.uniform(-3600, 7 * 86400))
            resolved_at = closed_at = None
            if kind in ("resolved", "closed"):
                resolved_at = created + timedelta(seconds=age * rng.uniform(0.3, 0.9))
                if kind == "closed":
                    closed_at = resolved_at + timedelta(seconds=age * 0.05)
            satisfaction = None
            if kind == "closed" and channel == "portal" and rng.random() < 0.4:
                satisfaction = rng.choices((1, 2, 3, 4), (5, 4, 2, 1))[0]
            ticket = make_ticket(
                id=first_id + len(tickets),
                number=number,
                title=title,
                queue_id=queue.pk,
                state_id=state.pk,
                priority_id=self.priorities[priority_level(impact, urgency)].pk,
                type_id=self.types[rng.randrange(len(self.types))].pk,
                service_id=service.pk,
                sla_id=contract[1].pk if contract and contract[1] else None,
                customer_id=customer.pk,
                customer_user_id=cu_pk,
                contract_id=contract[0] if contract else None,
                location_id=location[0] if location else None,
                area_id=area,
                owner_id=owner.pk if owner else None,
                responsible_id=owner.pk if owner else None,
                is_locked=locked,
                pending_until=pending_until,
                impact=impact,
                urgency=urgency,
                channel=channel,
                customer_contact_at=contact,
                first_response_at=first_response if responded else None,
                resolved_at=resolved_at,
                closed_at=closed_at,
                satisfaction=satisfaction,
                created_at=created,
            )
            # Cache the related rows escalation reads, so it runs without queries.
            ticket.state, ticket.queue = state, queue
            ticket.sla = contract[1] if contract else None
            escalation_recompute(ticket, now)
            ticket.updated_at = max(t for t in (created, contact, closed_at, resolved_at) if t)
            tickets.append(ticket)
            extras.append((cu_name, owner))
        rows_insert(Ticket, tickets)
        return {"tickets": len(tickets), **self._ticket_children(rng, tickets, extras)}

    def _skewed_customer(self, rng) -> _Customer:
        """ACME and the next customers get `heavy_shares`; the rest a long tail."""
        heavy = self.heavy_shares[: len(self.customers)]
        r = rng.random()
        for index, share in enumerate(heavy):
            if r < share:
                return self.customers[index]
            r -= share
        first = len(heavy)
        rest = len(self.customers) - first
        if rest <= 0:
            return self.customers[0]
        return self.customers[first + int(rest * rng.random() ** 2)]

    def _ticket_children(self, rng, tickets, extras) -> dict[str, int]:
        make_article, make_event = RowMaker(Article), RowMaker(TicketEvent)
        make_time_entry = RowMaker(TimeEntry)
        articles, entries, events = [], [], []
        for ticket, (cu_name, owner) in zip(tickets, extras, strict=True):
            agent = owner or rng.choice(self.agents)
            created = ticket.created_at
            articles.append(
                make_article(
                    ticket_id=ticket.pk,
                    sender_type="customer",
                    channel=ticket.channel,
                    is_public=True,
                    subject=ticket.title,
                    body=rng.choice(CUSTOMER_BODIES).format(title=ticket.title, name=cu_name),
                    created_at=created,
                )
            )
            events.append(
                make_event(
                    ticket_id=ticket.pk, action="created", to_value="new", created_at=created
                )
            )
            if ticket.first_response_at:
                articles.append(
                    make_article(
                        ticket_id=ticket.pk,
                        sender_type="agent",
                        channel="email",
                        is_public=True,
                        author_id=agent.pk,
                        subject=f"Re: {ticket.title}",
                        body=rng.choice(AGENT_REPLIES).format(name=cu_name),
                        created_at=ticket.first_response_at,
                    )
                )
            if ticket.state.state_type != "new" and rng.random() < 0.25:
                articles.append(
                    make_article(
                        ticket_id=ticket.pk,
                        sender_type="agent",
                        channel="note",
                        is_public=False,
                        author_id=agent.pk,
                        subject="Internal note",
                        body=rng.choice(NOTES),
                        created_at=ticket.updated_at,
                    )
                )
            if ticket.state.state_type != "new" and rng.random() < (
                0.5 if ticket.contract_id else 0.2
            ):
                for _ in range(rng.choice((1, 1, 2))):
                    entries.append(
                        make_time_entry(
                            ticket_id=ticket.pk,
                            agent_id=agent.pk,
                            minutes=rng.choice((15, 15, 30, 30, 45, 60, 90, 120)),
                            note=rng.choice(("Analysis", "Remote session", "On site", "Call")),
                            created_at=ticket.updated_at,
                        )
                    )
        rows_insert(Article, articles)
        rows_insert(TicketEvent, events)
        rows_insert(TimeEntry, entries)
        return {
            "articles": len(articles),
            "ticket events": len(events),
            "time entries": len(entries),
        }


_builder: DemoBuilder | None = None


def _insert_batch(batch) -> dict[str, int]:
    """One batch of tickets in one transaction (module level so worker processes can run it)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Demo data: a crash may lose the last batches but never corrupts; not waiting
            # for the WAL flush of every batch saves a third of the wall time.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO off")
        return _builder._ticket_batch(*batch)
