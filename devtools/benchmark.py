"""`manage.py benchmark`: the data set, the measured requests and the speed budgets.

The data set is the demo (`devtools.demo.DemoBuilder`) with a skew: ACME and two more customers
hold 8 %, 6 % and 5 % of all tickets (80,000 / 60,000 / 50,000 of a million) and the rest
spreads as a long tail, so most customers have a handful. One ACME ticket gets 200 articles for
the zoom. A marker in that ticket (its title names the seed) lets a second run reuse the data.

Requests go through Django's test client with a real session: an agent in a team granting
every queue (not a superuser, so the queue rule is part of every query) and the power portal
user of ACME. Each case runs `warmup` times, then every case is timed once per round for `runs`
rounds, each right after the floor (one indexed query); a case's budget is a multiple of the
floor of its own round. The query count, and on PostgreSQL the query plans, come from one extra
run inside `CaptureQueriesContext`.
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
from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone

from contracts.models import Service
from customers.models import Customer, CustomerUser
from dashboards.widgets import DASHBOARDS
from devtools.demo import DEMO_MODELS, DemoBuilder
from helpdesk.auth import agent_required
from helpdesk.pg import analyse_tables
from portal.selectors import allowed_services, subcategories
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


FLOOR = "floor: one indexed query"
# Budgets as multiples of the floor timed in the same round, so a slow phase of the machine
# moves a case and its floor alike. Floors have none.
BUDGETS = {
    "fragment": 4,  # one widget
    "first paint": 16,  # a dashboard page with all its default widgets
    "page": 8,  # everything else
}
COMPARE_LIMIT = 1.3  # this run's floor multiple over an earlier run's (1M over 50k tickets)
# Tables whose sequential scan the plan check reports; one of tickets fails the row.
BIG_TABLES = (
    "tickets_ticket",
    "tickets_article",
    "tickets_ticketevent",
    "customers_customeruser",
    "customers_customer",
    "tickets_timeentry",
)
FAILING_SEQ_SCAN = "tickets_ticket"


def describe_budget(group: str) -> str:
    budget = BUDGETS.get(group)
    return "-" if budget is None else f"≤{budget:g}×"


@dataclass
class Case:
    name: str
    group: str  # a key of BUDGETS, or "floor"
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
    ratio: float | None = None  # median over the rounds of this time / the round's floor
    floor_ms: float | None = None  # median over the rounds of the round's floor
    seq_scans: list[str] | None = None  # big tables read by a Seq Scan; None: not checked
    compared: float | None = None  # ratio / the ratio of the run given to --compare


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
    analyse_tables(DEMO_MODELS)
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


def widget_cases(objects: dict[str, list[tuple[str, str]]]) -> list[Case]:
    """Every widget of every dashboard in the registry, for each (label, object id) given.

    Ticket widgets get `filter=all` (the widest) and, where the dashboard has scopes, a case
    per scope. A dashboard missing from `objects` is measured with the object `-`."""
    cases = []
    for key, dashboard in DASHBOARDS.items():
        prefix = DASHBOARD_PREFIXES.get(key, key)
        for label, object_id in objects.get(key, [("", "-")]):
            suffix = f" ({label})" if label else ""
            for widget in dashboard.widgets:
                url = reverse("dashboards:widget", args=[key, object_id, widget.key])
                name = f"{prefix} {widget.key}"
                if not widget.filters:
                    cases.append(Case(f"{name}{suffix}", "fragment", url, htmx=True))
                    continue
                chosen = "all" if "all" in widget.filters else widget.default_filter
                url += f"?filter={chosen}"
                for scope in dashboard.scopes or [""]:
                    scoped = f"{url}&scope={scope}" if scope else url
                    parts = ", ".join(x for x in (label, scope) if x)
                    tag = f" ({parts})" if parts else ""
                    cases.append(Case(f"{name}{tag}", "fragment", scoped, htmx=True))
    return cases


DASHBOARD_PREFIXES = {"cic": "CIC", "cuic": "CUIC", "agent": "agent"}


def wizard_service(power: CustomerUser) -> Service | None:
    """A service the user may request with at least two subcategories: the wizard's step 2."""
    for service in allowed_services(power):
        if subcategories(service).count() >= 2:
            return service
    return None


def build_cases(*, large: Customer, small: Customer, power: CustomerUser, zoom: Ticket):
    cases = [
        Case(EMPTY_VIEW, "floor", reverse("benchmark-empty")),
        Case(FLOOR, "floor", reverse("benchmark-floor")),
        Case("agent home", "first paint", reverse("dashboards:home")),
    ]
    for label, customer in (("large", large), ("small", small)):
        url = reverse("dashboards:cic-customer", args=[customer.customer_id])
        cases.append(Case(f"CIC page ({label})", "first paint", url))
    url = reverse("dashboards:cuic-user", args=[power.login])
    cases.append(Case("CUIC page", "first paint", url))
    cases += widget_cases(
        {
            "cic": [("large", large.customer_id), ("small", small.customer_id)],
            "cuic": [("", power.login)],
            "agent": [("", "-")],
        }
    )
    search = reverse("dashboards:search")
    for name, query in (
        ("search: customer 'glob'", "q=glob&kind=customer&dashboard=cic"),
        ("search: customer '**'", "q=**&kind=customer&dashboard=cic"),
        ("search: customer user 'anna'", "q=anna&kind=customer_user&dashboard=cic"),
        ("search: customer user 'ann sch*'", "q=ann+sch*&kind=customer_user&dashboard=cuic"),
        ("search: customer user '**'", "q=**&kind=customer_user&dashboard=cuic"),
    ):
        cases.append(Case(name, "page", f"{search}?{query}", htmx=True))
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
        cases.append(Case(name, "page", f"{tickets}?{query}" if query else tickets))
    cases.append(
        Case(
            f"ticket zoom, {zoom.articles.count()} articles",
            "page",
            reverse("tickets:detail", args=[zoom.number]),
        )
    )
    cases.append(Case("new ticket form: phone", "page", reverse("tickets:new-phone")))
    cases.append(Case("new ticket form: email", "page", reverse("tickets:new-email")))
    cid = large.customer_id
    url = reverse("customers:settings", args=[cid])
    cases.append(Case("customer settings (large)", "page", url))
    for tab in ("contacts", "contracts", "notification-groups", "locations"):
        url = reverse(f"customers:{tab}", args=[cid])
        cases.append(Case(f"customer settings tab {tab} (large)", "page", url, htmx=True))
    cases.append(Case("portal open/resolved lists", "page", reverse("portal:home"), "portal"))
    closed = reverse("portal:closed")
    cases.append(Case("portal closed search", "page", closed, "portal"))
    year_ago = (timezone.localdate() - timedelta(days=365)).isoformat()
    cases.append(
        Case(
            "portal closed search: closed after",
            "page",
            f"{closed}?closed_after={year_ago}",
            "portal",
        )
    )
    # The zoom ticket is ACME's, so the power user sees it: the longest conversation.
    detail = reverse("portal:detail", args=[zoom.number])
    cases.append(Case("portal detail (the zoom ticket)", "page", detail, "portal"))
    new = reverse("portal:new")
    cases.append(Case("portal new request: services", "page", new, "portal"))
    service = wizard_service(power)
    if service is not None:
        url = f"{new}?service={service.pk}"
        cases.append(Case("portal new request: subcategories", "page", url, "portal"))
    return cases


# --- measuring ------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (works for any number of runs)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def judge(group: str, status: int, ratio: float | None, seq_scans: list[str] | None):
    """Pass/fail of a row; None for the floors, which have no budget."""
    budget = BUDGETS.get(group)
    if budget is None:
        return None
    if status != 200 or ratio is None or ratio > budget:
        return False
    return FAILING_SEQ_SCAN not in (seq_scans or [])


def floor_ratio(case_ms: list[float], floor_ms: list[float]) -> float | None:
    """Median over the rounds of (case time / that round's floor), None without a floor."""
    ratios = [case / floor for case, floor in zip(case_ms, floor_ms, strict=True) if floor > 0]
    return round(statistics.median(ratios), 2) if ratios else None


def plan(sql: str) -> list[dict]:
    """The plain EXPLAIN (estimates only, nothing runs) of one statement, as JSON."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        result = cursor.fetchone()[0]
    return json.loads(result) if isinstance(result, str) else result


def seq_scans(sql: str) -> list[str]:
    """The big tables (`BIG_TABLES`) PostgreSQL would read by a sequential scan for `sql`."""
    found = set()
    nodes = [entry["Plan"] for entry in plan(sql)]
    while nodes:
        node = nodes.pop()
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            found.add(node["Relation Name"])
        nodes += node.get("Plans", [])
    return sorted(found)


def check_plans(queries: list[dict], cache: dict[str, list[str]]) -> list[str]:
    """Seq scans of big tables in the SELECTs that read tickets; each distinct SQL once."""
    found = set()
    for query in queries:
        sql = query["sql"] or ""
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        if '"tickets_ticket"' not in sql:
            continue
        if sql not in cache:
            try:
                cache[sql] = seq_scans(sql)
            except DatabaseError:
                cache[sql] = []  # a statement EXPLAIN cannot take is no page's plan
        found.update(cache[sql])
    return sorted(found)


def measure_all(
    cases: list[Case],
    clients: dict[str, Client],
    *,
    runs: int,
    warmup: int,
    clock: Callable = time.perf_counter,
    progress: Callable = iter,
) -> list[Row]:
    """Time every case in rounds, the floor (`FLOOR`, when among the cases) before each.

    The machine's speed drifts over minutes, so timing one case's runs back to back would give
    whichever cases ran in a slow minute the blame for it; in rounds, each case's median spans
    the whole measurement. Each case is judged as a multiple of the floor of its own round (the
    median of that round's floor requests), so a slow phase moves both sides of the ratio.
    Afterwards every case runs once more to count its queries and, on PostgreSQL, to EXPLAIN
    them. `progress` wraps the rounds (a progress bar)."""

    def get(case: Case):
        headers = {"HX-Request": "true"} if case.htmx else {}
        return clients[case.client].get(case.url, headers=headers)

    def timed(case: Case) -> float:
        started, cpu_started = clock(), time.process_time()
        response = get(case)
        timings[case.name].append((clock() - started) * 1000)
        cpu[case.name].append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            status[case.name] = response.status_code
        return timings[case.name][-1]

    floor = next((case for case in cases if case.name == FLOOR), None)
    others = [case for case in cases if case is not floor]
    for case in cases:
        for _ in range(warmup):
            get(case)
    timings: dict[str, list[float]] = {case.name: [] for case in cases}
    cpu: dict[str, list[float]] = {case.name: [] for case in cases}
    status = dict.fromkeys(timings, 200)
    round_floors: list[float] = []  # the median floor of each round
    for _ in progress(range(runs)):
        samples = []
        for case in others:
            if floor is not None:
                samples.append(timed(floor))
            timed(case)
        if floor is not None:
            if not others:
                samples.append(timed(floor))
            round_floors.append(statistics.median(samples))
    if floor is not None:
        # The floor's row shows the floors the ratios were taken against.
        timings[floor.name] = round_floors
    explain = connection.vendor == "postgresql"
    plans: dict[str, list[str]] = {}
    rows = []
    for case in cases:
        with CaptureQueriesContext(connection) as captured:
            response = get(case)
        if response.status_code != 200:
            status[case.name] = response.status_code
        scans = check_plans(captured.captured_queries, plans) if explain else None
        if case is floor:
            ratio = 1.0
        else:
            ratio = floor_ratio(timings[case.name], round_floors) if round_floors else None
        rows.append(
            Row(
                name=case.name,
                group=case.group,
                url=case.url,
                status=status[case.name],
                median_ms=round(statistics.median(timings[case.name]), 2),
                p95_ms=round(percentile(timings[case.name], 0.95), 2),
                cpu_ms=round(statistics.median(cpu[case.name]), 2),
                queries=len(captured),
                budget=describe_budget(case.group),
                passed=judge(case.group, status[case.name], ratio, scans),
                runs=runs,
                timings_ms=[round(t, 2) for t in timings[case.name]],
                ratio=ratio,
                floor_ms=round(statistics.median(round_floors), 2) if round_floors else None,
                seq_scans=scans,
            )
        )
    return rows


def compare(rows: list[Row], other: dict) -> dict:
    """Set each row's `compared`: its floor multiple over the earlier run's, for rows in both.

    Floor multiples, not milliseconds: the runs are minutes apart on a machine whose speed
    drifts. A budgeted row above `COMPARE_LIMIT` is over."""
    theirs = {r["name"]: r.get("ratio") for r in other.get("rows", [])}
    over = []
    for row in rows:
        earlier = theirs.get(row.name)
        if row.ratio is None or not earlier:
            continue
        row.compared = round(row.ratio / earlier, 2)
        if row.compared > COMPARE_LIMIT and BUDGETS.get(row.group) is not None:
            over.append(row.name)
    return {
        "tickets": other.get("dataset", {}).get("tickets"),
        "limit": COMPARE_LIMIT,
        "over": over,
    }


def verdict(passed: bool | None) -> str:
    return "-" if passed is None else "pass" if passed else "FAIL"


def _scans(row: Row) -> str:
    if row.seq_scans is None:
        return "n/a"
    return ",".join(row.seq_scans) or "-"


def table(rows: list[Row], load: dict, compared: str | None = None) -> str:
    """The results; `compared` names the run given to --compare (adds its column)."""
    width = max(len(r.name) for r in rows) + 2
    scan_width = max(len("seq scan"), *(len(_scans(r)) for r in rows)) + 2
    vs = f"vs {compared}" if compared else ""
    vs_width = len(vs) + 2 if vs else 0
    header = (
        f"{'case':<{width}}{'median ms':>10}{'p95 ms':>9}{'cpu ms':>9}{'queries':>9}"
        f"{'× floor':>9}  {'budget':<8}{'seq scan':<{scan_width}}"
    )
    if vs:
        header += f"{vs:<{vs_width}}"
    lines = [header + "result", "-" * (len(header) + 8)]
    for r in rows:
        notes = [] if r.status == 200 else [f"HTTP {r.status}"]
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        line = (
            f"{r.name:<{width}}{r.median_ms:>10.1f}{r.p95_ms:>9.1f}{r.cpu_ms:>9.1f}{r.queries:>9}"
            f"{ratio:>9}  {r.budget:<8}{_scans(r):<{scan_width}}"
        )
        if vs:
            cell = "-" if r.compared is None else f"{r.compared:.2f}"
            if r.compared is not None and r.compared > COMPARE_LIMIT and r.budget != "-":
                cell += " !"
                notes.append(f"over {COMPARE_LIMIT:g} against the earlier run")
            line += f"{cell:<{vs_width}}"
        lines.append(line + verdict(r.passed) + (f" ({'; '.join(notes)})" if notes else ""))
    if load.get("seconds") is not None:
        lines.append(
            f"{'data set load':<{width}}{load['seconds']:>10.1f} s{'':>34}  "
            f"≤{LOAD_BUDGET_SECONDS} s at 1M  {verdict(load['passed'])}"
            + (" (loaded earlier, reused)" if load.get("reused") else "")
        )
    return "\n".join(lines)


def machine_speed(rows: list[Row]) -> str | None:
    """The empty view's rate and the floor's spread over the rounds on this machine."""
    row = next((r for r in rows if r.name == EMPTY_VIEW), None)
    if row is None or row.median_ms <= 0:
        return None
    # Only a reference point: this VM's CPU speed drifts by up to 4x within minutes
    # (README, Performance), which is why the budgets are multiples of the floor.
    line = (
        f"Machine: the empty view takes {row.median_ms:.2f} ms here "
        f"({1000 / row.median_ms:,.0f} requests/s)."
    )
    if len(row.timings_ms) > 1:
        # Every case ran in the same rounds, so this spread is the drift all rows went through.
        line += (
            f" Across the rounds it took {min(row.timings_ms):.2f}–{max(row.timings_ms):.2f} ms."
        )
    floor = next((r for r in rows if r.name == FLOOR), None)
    if floor is not None and len(floor.timings_ms) > 1:
        line += (
            f" The floor took {min(floor.timings_ms):.2f}–{max(floor.timings_ms):.2f} ms "
            "(round medians)."
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


def report(rows: list[Row], load: dict, dataset: dict, compared: dict | None = None) -> dict:
    verdicts = [r.passed for r in rows if r.passed is not None]
    if load.get("passed") is not None:
        verdicts.append(load["passed"])
    data = {
        "machine": machine(),
        "dataset": dataset,
        "load": load,
        "floor": FLOOR,
        "budgets": BUDGETS,  # multiples of the floor
        "compare_limit": COMPARE_LIMIT,
        "rows": [asdict(r) for r in rows],
        "passed": all(verdicts),
    }
    if compared is not None:
        data["compare"] = compared
        data["passed"] = data["passed"] and not compared["over"]
    return data


def write_json(path: str, data: dict) -> None:
    with open(path, "w") as out:
        json.dump(data, out, indent=2)
        out.write("\n")
