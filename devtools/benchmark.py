"""`manage.py benchmark`: the data set, the measured requests and the speed budgets.

The data set is the demo (`devtools.demo.DemoBuilder`) with a skew: ACME and two more customers
hold 8 %, 6 % and 5 % of all tickets (80,000 / 60,000 / 50,000 of a million) and the rest
spreads as a long tail, so most customers have a handful. One ACME ticket gets 200 articles for
the zoom. A marker in that ticket (its title names the seed) lets a second run reuse the data.

Requests go through Django's test client with a real session: an agent in a team granting
every queue (not a superuser, so the queue rule is part of every query) and the power portal
user of ACME. Each case runs `warmup` times, then every case is timed once per round for `runs`
rounds; the query count comes from one extra run inside `CaptureQueriesContext`.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone

from customers.models import Customer, CustomerUser
from dashboards.widgets import CIC, CUIC
from devtools.demo import DemoBuilder
from helpdesk.auth import agent_required
from tickets.models import AgentPreferences, Article, Queue, Team, Ticket

User = get_user_model()

HEAVY_SHARES = (0.08, 0.06, 0.05)
ZOOM_ARTICLES = 200
AGENT = "bench-agent"
TEAM = "Benchmark: every queue"
POWER_USER = "poweruser"  # the demo's power user of ACME (devtools/demo.py)
LARGE_CUSTOMER = "ACME"
LOAD_BUDGET_SECONDS = 600
LOAD_BUDGET_TICKETS = 1_000_000  # the load budget is for the default data set


def load_verdict(seconds: float | None, tickets: int) -> bool | None:
    """Pass/fail of the load time; None when unknown or for a smaller data set."""
    if seconds is None or tickets < LOAD_BUDGET_TICKETS:
        return None
    return seconds <= LOAD_BUDGET_SECONDS


@dataclass(frozen=True)
class Budget:
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None

    def describe(self) -> str:
        parts = []
        if self.median_ms is not None:
            parts.append(f"med≤{self.median_ms:g}")
        if self.p95_ms is not None:
            parts.append(f"p95≤{self.p95_ms:g}")
        if self.queries is not None:
            parts.append(f"q≤{self.queries}")
        return " ".join(parts) or "-"


BUDGETS = {
    "dashboard": Budget(median_ms=25, p95_ms=60, queries=8),
    "search dialog": Budget(median_ms=30),
    "portal": Budget(median_ms=25),
    "zoom": Budget(median_ms=60),
    "ticket search": Budget(),
    "floor": Budget(),
}


@dataclass
class Case:
    name: str
    group: str  # a key of BUDGETS
    url: str
    client: str = "agent"  # or "portal"
    htmx: bool = False


@dataclass
class Row:
    name: str
    group: str
    url: str
    status: int
    median_ms: float
    p95_ms: float
    cpu_ms: float  # median CPU time of this (client + Django) process: immune to a busy machine
    queries: int
    budget: str
    passed: bool | None
    runs: int
    timings_ms: list[float] = field(default_factory=list, repr=False)


# --- data set -------------------------------------------------------------------------------


def marker_title(seed: int) -> str:
    return f"Benchmark zoom ticket, {ZOOM_ARTICLES} articles (seed {seed})"


def users_per_customer(customers: int, customer_users: int) -> int:
    return max(2, customer_users // max(1, customers))


def dataset_ticket(*, customers: int, customer_users: int, tickets: int, seed: int):
    """The zoom ticket when the database holds exactly this data set, else None."""
    ticket = Ticket.objects.filter(title=marker_title(seed)).first()
    if ticket is None:
        return None
    expected_users = customers * users_per_customer(customers, customer_users)
    if (
        Customer.objects.count() != customers
        or CustomerUser.objects.count() != expected_users
        or Ticket.objects.count() != tickets
    ):
        return None
    return ticket


def load_dataset(*, customers, customer_users, tickets, seed, workers, progress, log):
    """Load the skewed demo, give one ACME ticket 200 articles and mark it. Returns it."""
    builder = DemoBuilder(
        customers=customers,
        users_per_customer=users_per_customer(customers, customer_users),
        tickets=tickets,
        seed=seed,
        progress=progress,
        workers=workers,
        log=log,
        heavy_shares=HEAVY_SHARES,
    )
    summary = builder.run()
    ticket = Ticket.objects.filter(customer__customer_id=LARGE_CUSTOMER).order_by("-id").first()
    have = ticket.articles.count()
    base = ticket.created_at
    Article.objects.bulk_create(
        [
            Article(
                ticket=ticket,
                sender_type="customer" if i % 2 else "agent",
                channel="email",
                is_public=i % 5 != 0,
                author_id=None if i % 2 else builder.agent.pk,
                subject=f"Re: {ticket.title}",
                body=f"Message {i} of the long conversation.\n\n" + "Lorem ipsum dolor. " * 20,
                created_at=base + timedelta(minutes=i),
            )
            for i in range(have, ZOOM_ARTICLES)
        ]
    )
    Ticket.objects.filter(pk=ticket.pk).update(title=marker_title(seed))
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics and a visibility map (index-only scans), as autovacuum would give.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    ticket.refresh_from_db()
    return ticket, summary


def bench_agent():
    """An agent in a team that grants every queue, with two queues as "My Queues"."""
    agent, created = User.objects.get_or_create(
        username=AGENT,
        defaults={"first_name": "Bench", "last_name": "Agent", "is_staff": True},
    )
    if created:
        agent.set_unusable_password()
        agent.save(update_fields=["password"])
    team, _ = Team.objects.get_or_create(name=TEAM)
    queues = list(Queue.objects.order_by("id"))
    team.queues.set(queues)
    team.members.add(agent)
    prefs, _ = AgentPreferences.objects.get_or_create(user=agent)
    prefs.my_queues.set(queues[:2])
    return agent


def small_customer(large: Customer) -> Customer:
    """An active customer with a handful of tickets (the long tail's end)."""
    candidates = (
        Customer.objects.filter(is_active=True)
        .exclude(pk=large.pk)
        .annotate(n=Count("tickets"))
        .filter(n__gte=1, n__lte=20)
        .order_by("-pk")
    )
    # Look at the newest few hundred customers only: the tail lives there.
    last_ids = Customer.objects.order_by("-pk").values_list("pk", flat=True)[:500]
    return candidates.filter(pk__in=list(last_ids)).first() or large


# --- the floor views ------------------------------------------------------------------------

# The issue that set the budgets measured ~1,000 requests/s for an empty Django view on its
# machine; the empty view's row tells how this machine compares.
REFERENCE_EMPTY_VIEW_PER_SECOND = 1000
EMPTY_VIEW = "floor: empty view"


def empty_view(request):
    """Nothing but the middleware (no session, user or query is loaded): the machine's speed."""
    return HttpResponse("-", content_type="text/plain")


@agent_required
def floor_view(request):
    """One indexed query behind the same middleware and login as every page: the floor."""
    number = Ticket.objects.filter(pk=1).values_list("number", flat=True).first()
    return HttpResponse(number or "-", content_type="text/plain")


# The command swaps ROOT_URLCONF to this module: the product's URLs plus the floor views, so
# no production URL exists only for the benchmark.
urlpatterns = [
    path("__benchmark__/empty/", empty_view, name="benchmark-empty"),
    path("__benchmark__/floor/", floor_view, name="benchmark-floor"),
    path("", include("helpdesk.urls")),
]


# --- cases ----------------------------------------------------------------------------------


def build_cases(*, large: Customer, small: Customer, power: CustomerUser, zoom: Ticket):
    cases = [
        Case(EMPTY_VIEW, "floor", reverse("benchmark-empty")),
        Case("floor: one indexed query", "floor", reverse("benchmark-floor")),
    ]
    for label, customer in (("large", large), ("small", small)):
        cid = customer.customer_id
        cases.append(
            Case(f"CIC page ({label})", "dashboard", reverse("dashboards:cic-customer", args=[cid]))
        )
        for widget in CIC.widgets:
            url = reverse("dashboards:widget", args=["cic", cid, widget.key])
            if widget.filters:
                url += "?filter=all"
            cases.append(Case(f"CIC {widget.key} ({label})", "dashboard", url, htmx=True))
    login = power.login
    cases.append(Case("CUIC page", "dashboard", reverse("dashboards:cuic-user", args=[login])))
    for widget in CUIC.widgets:
        url = reverse("dashboards:widget", args=["cuic", login, widget.key])
        if widget.filters:
            for scope in CUIC.scopes:
                cases.append(
                    Case(
                        f"CUIC {widget.key} ({scope})",
                        "dashboard",
                        f"{url}?filter=all&scope={scope}",
                        htmx=True,
                    )
                )
        else:
            cases.append(Case(f"CUIC {widget.key}", "dashboard", url, htmx=True))
    search = reverse("dashboards:search")
    for name, query in (
        ("search: customer 'glob'", "q=glob&kind=customer&dashboard=cic"),
        ("search: customer '**'", "q=**&kind=customer&dashboard=cic"),
        ("search: customer user 'anna'", "q=anna&kind=customer_user&dashboard=cic"),
        ("search: customer user 'ann sch*'", "q=ann+sch*&kind=customer_user&dashboard=cuic"),
        ("search: customer user '**'", "q=**&kind=customer_user&dashboard=cuic"),
    ):
        cases.append(Case(name, "search dialog", f"{search}?{query}", htmx=True))
    tickets = reverse("tickets:list")
    queue = Queue.objects.order_by("id").first()
    month_ago = (timezone.localdate() - timedelta(days=30)).isoformat()
    for name, query in (
        ("ticket search: no filter", ""),
        ("ticket search: open", "category=open"),
        ("ticket search: customer ACME open", f"customer={large.customer_id}&category=open"),
        ("ticket search: queue + state open", f"queue={queue.pk}&state=open"),
        ("ticket search: escalated", "escalated=yes"),
        ("ticket search: text 'printer'", "q=printer"),
        ("ticket search: closed last 30 days", f"category=closed&closed_after={month_ago}"),
    ):
        cases.append(Case(name, "ticket search", f"{tickets}?{query}" if query else tickets))
    cases.append(
        Case(
            f"ticket zoom, {zoom.articles.count()} articles",
            "zoom",
            reverse("tickets:detail", args=[zoom.number]),
        )
    )
    cases.append(Case("portal open/resolved lists", "portal", reverse("portal:home"), "portal"))
    closed = reverse("portal:closed")
    cases.append(Case("portal closed search", "portal", closed, "portal"))
    year_ago = (timezone.localdate() - timedelta(days=365)).isoformat()
    cases.append(
        Case(
            "portal closed search: closed after",
            "portal",
            f"{closed}?closed_after={year_ago}",
            "portal",
        )
    )
    return cases


# --- measuring ------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (works for any number of runs)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def check(row: Row, budget: Budget) -> bool | None:
    if budget == Budget():
        return None
    ok = row.status == 200
    if budget.median_ms is not None:
        ok &= row.median_ms <= budget.median_ms
    if budget.p95_ms is not None:
        ok &= row.p95_ms <= budget.p95_ms
    if budget.queries is not None:
        ok &= row.queries <= budget.queries
    return ok


def measure_all(
    cases: list[Case],
    clients: dict[str, Client],
    *,
    runs: int,
    warmup: int,
    clock: Callable = time.perf_counter,
    progress: Callable = iter,
) -> list[Row]:
    """Time every case in rounds: each round requests every case once, in order.

    The machine's speed drifts over minutes, so timing one case's runs back to back would give
    whichever cases ran in a slow minute the blame for it; in rounds, each case's median spans
    the whole measurement, as the floors' do. `progress` wraps the rounds (a progress bar)."""

    def get(case: Case):
        headers = {"HX-Request": "true"} if case.htmx else {}
        return clients[case.client].get(case.url, headers=headers)

    for case in cases:
        for _ in range(warmup):
            get(case)
    timings: dict[str, list[float]] = {case.name: [] for case in cases}
    cpu: dict[str, list[float]] = {case.name: [] for case in cases}
    status = dict.fromkeys(timings, 200)
    for _ in progress(range(runs)):
        for case in cases:
            started, cpu_started = clock(), time.process_time()
            response = get(case)
            timings[case.name].append((clock() - started) * 1000)
            cpu[case.name].append((time.process_time() - cpu_started) * 1000)
            if response.status_code != 200:
                status[case.name] = response.status_code
    rows = []
    for case in cases:
        with CaptureQueriesContext(connection) as captured:
            response = get(case)
        if response.status_code != 200:
            status[case.name] = response.status_code
        budget = BUDGETS[case.group]
        row = Row(
            name=case.name,
            group=case.group,
            url=case.url,
            status=status[case.name],
            median_ms=round(statistics.median(timings[case.name]), 2),
            p95_ms=round(percentile(timings[case.name], 0.95), 2),
            cpu_ms=round(statistics.median(cpu[case.name]), 2),
            queries=len(captured),
            budget=budget.describe(),
            passed=None,
            runs=runs,
            timings_ms=[round(t, 2) for t in timings[case.name]],
        )
        row.passed = check(row, budget)
        rows.append(row)
    return rows


def verdict(passed: bool | None) -> str:
    return "-" if passed is None else "pass" if passed else "FAIL"


def table(rows: list[Row], load: dict) -> str:
    width = max(len(r.name) for r in rows) + 2
    lines = [
        f"{'case':<{width}}{'median ms':>10}{'p95 ms':>9}{'cpu ms':>9}{'queries':>9}  "
        f"{'budget':<20}result",
        "-" * (width + 67),
    ]
    for r in rows:
        note = "" if r.status == 200 else f" (HTTP {r.status})"
        lines.append(
            f"{r.name:<{width}}{r.median_ms:>10.1f}{r.p95_ms:>9.1f}{r.cpu_ms:>9.1f}{r.queries:>9}  "
            f"{r.budget:<20}{verdict(r.passed)}{note}"
        )
    if load.get("seconds") is not None:
        lines.append(
            f"{'data set load':<{width}}{load['seconds']:>10.1f} s{'':>25}  "
            f"{f'≤{LOAD_BUDGET_SECONDS} s at 1M':<20}{verdict(load['passed'])}"
            + (" (loaded earlier, reused)" if load.get("reused") else "")
        )
    return "\n".join(lines)


def machine_speed(rows: list[Row]) -> str | None:
    """The empty view's rate here, beside the rate the budgets' machine had."""
    row = next((r for r in rows if r.name == EMPTY_VIEW), None)
    if row is None or row.median_ms <= 0:
        return None
    # Only a reference point: this VM's CPU speed drifts by up to 4x within minutes
    # (README, Performance), so one run's rate says little about the next.
    line = (
        f"Machine: the empty view takes {row.median_ms:.2f} ms here "
        f"({1000 / row.median_ms:,.0f} requests/s); the budgets were set on a machine serving "
        f"~{REFERENCE_EMPTY_VIEW_PER_SECOND:,}/s."
    )
    if len(row.timings_ms) > 1:
        # Every case ran in the same rounds, so this spread is the drift all rows went through.
        line += (
            f" Across the rounds it took {min(row.timings_ms):.2f}–{max(row.timings_ms):.2f} ms."
        )
    return line


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "database": connection.vendor,
        # Other work on the machine inflates wall times (not `cpu_ms`); keep it in the record.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
        info["memory_gib"] = round(kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["database_version"] = cursor.fetchone()[0]
    return info


def report(rows: list[Row], load: dict, dataset: dict) -> dict:
    verdicts = [r.passed for r in rows if r.passed is not None]
    if load.get("passed") is not None:
        verdicts.append(load["passed"])
    return {
        "machine": machine(),
        "dataset": dataset,
        "load": load,
        "budgets": {key: asdict(b) for key, b in BUDGETS.items()},
        "rows": [asdict(r) for r in rows],
        "passed": all(verdicts),
    }


def write_json(path: str, data: dict) -> None:
    with open(path, "w") as out:
        json.dump(data, out, indent=2)
        out.write("\n")
