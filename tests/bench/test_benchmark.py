"""`manage.py benchmark` on a CI-sized data set: it loads, measures every case and reports."""

import io
import json
import subprocess
import sys
from dataclasses import asdict
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from customers.models import Customer
from dashboards.widgets import DASHBOARDS
from devtools.benchmark import (
    BIG_TABLES,
    Case,
    Row,
    check_plans,
    compare,
    floor_ratio,
    judge,
    load_verdict,
    measure_all,
    percentile,
    seq_scans,
    table,
)
from helpdesk.models import OutboxMessage
from mailgate.models import InboundMessage
from tests import factories
from tests.processes import command_env
from tickets.models import Queue, Ticket

SMALL = ["--tickets", "2000", "--customers", "50", "--customer-users", "200"]
ROW_FIELDS = {
    "name",
    "group",
    "url",
    "status",
    "median_ms",
    "p95_ms",
    "cpu_ms",
    "queries",
    "budget",
    "passed",
    "runs",
    "timings_ms",
    "ratio",
    "floor_ms",
    "seq_scans",
    "compared",
}
PREFIXES = {"cic": "CIC", "cuic": "CUIC", "agent": "agent"}


def _widget_names():
    """Every widget of every registered dashboard, named as the benchmark names them."""
    labels = {"cic": ["large", "small"]}
    names = []
    for key, dashboard in DASHBOARDS.items():
        for label in labels.get(key, [""]):
            for w in dashboard.widgets:
                name = f"{PREFIXES.get(key, key)} {w.key}"
                scopes = (dashboard.scopes or [""]) if w.filters else [""]
                for scope in scopes:
                    parts = ", ".join(x for x in (label, scope) if x)
                    names.append(f"{name} ({parts})" if parts else name)
    return names


def _expected_names():
    names = [
        "floor: empty view",
        "floor: one indexed query",
        "agent home",
        "CIC page (large)",
        "CIC page (small)",
        "CUIC page",
        *_widget_names(),
        "search: customer 'glob'",
        "search: customer '**'",
        "search: customer user 'anna'",
        "search: customer user 'ann sch*'",
        "search: customer user '**'",
        "ticket search: no filter",
        "ticket search: open",
        "ticket search: customer ACME open",
        "ticket search: queue + state open",
        "ticket search: escalated",
        "ticket search: text 'printer'",
        "ticket search: closed last 30 days",
        "ticket zoom, 200 articles",
        "new ticket form: phone",
        "new ticket form: email",
        "customer settings (large)",
        "customer settings tab contacts (large)",
        "customer settings tab contracts (large)",
        "customer settings tab notification-groups (large)",
        "customer settings tab locations (large)",
        "portal open/resolved lists",
        "portal closed search",
        "portal closed search: closed after",
        "portal detail (the zoom ticket)",
        "portal new request: services",
        "portal new request: subcategories",
    ]
    return sorted(names)


def test_widget_names_cover_the_registry():
    assert {"cic", "cuic"} <= set(DASHBOARDS)
    names = _widget_names()
    assert "CIC new-tickets (large)" in names
    assert "CUIC new-tickets (accessible)" in names
    assert "CUIC settings" in names
    if "agent" in DASHBOARDS:
        assert "agent new-tickets" in names


@pytest.mark.django_db
def test_benchmark_small_run_reports_every_row_and_reuses_data(tmp_path):
    first, second = tmp_path / "out.json", tmp_path / "again.json"

    out = io.StringIO()
    call_command(
        "benchmark",
        *SMALL,
        "--runs",
        "2",
        "--warmup",
        "1",
        "--ingest",
        "60",
        "--ingest-processes",
        "1",
        "--json",
        str(first),
        stdout=out,
    )
    again_out = io.StringIO()
    call_command(
        "benchmark",
        *SMALL,
        "--runs",
        "1",
        "--warmup",
        "0",
        "--ingest",
        "0",
        "--json",
        str(second),
        "--compare",
        str(first),
        stdout=again_out,
    )

    data, again = json.loads(first.read_text()), json.loads(second.read_text())
    assert sorted(r["name"] for r in data["rows"]) == _expected_names()
    for row in data["rows"]:
        assert set(row) == ROW_FIELDS
        assert (row["name"], row["status"]) == (row["name"], 200)
        assert row["runs"] == 2
        assert len(row["timings_ms"]) == 2
        assert row["ratio"] > 0
        assert row["floor_ms"] > 0
        if connection.vendor == "postgresql":
            assert isinstance(row["seq_scans"], list)
        else:
            assert row["seq_scans"] is None  # no plan check
        assert row["compared"] is None
    rows = {r["name"]: r for r in data["rows"]}
    empty = rows.pop("floor: empty view")
    floor = rows.pop("floor: one indexed query")
    # the session (language and zone of the agent), nothing else; no budget
    assert (empty["queries"], empty["passed"]) == (1, None)
    assert (floor["ratio"], floor["budget"], floor["passed"]) == (1.0, "-", None)
    assert all(row["queries"] >= 1 for row in rows.values())
    budgets = {"fragment": "≤4×", "first paint": "≤16×", "page": "≤8×"}
    assert {(row["group"], row["budget"]) for row in rows.values()} == set(budgets.items())
    assert rows["CIC new-tickets (large)"]["group"] == "fragment"
    assert rows["CUIC page"]["group"] == "first paint"
    assert rows["agent home"]["group"] == "first paint"
    assert rows["ticket zoom, 200 articles"]["group"] == "page"
    for row in rows.values():
        scanned = "tickets_ticket" in (row["seq_scans"] or [])
        assert row["passed"] is (row["ratio"] <= int(row["budget"][1:-1]) and not scanned)
    assert data["budgets"] == {"fragment": 4, "first paint": 16, "page": 8}
    assert data["compare_limit"] == 1.3
    assert data["floor"] == "floor: one indexed query"
    assert data["load"]["reused"] is False
    assert data["load"]["seconds"] > 0
    assert data["load"]["passed"] is None  # the load budget is for a million tickets
    assert set(data["machine"]) >= {"cpus", "database", "python", "load_average"}
    text = out.getvalue()
    assert "× floor" in text
    assert "seq scan" in text
    assert f"the empty view takes {empty['median_ms']:.2f} ms here" in text
    low, high = min(empty["timings_ms"]), max(empty["timings_ms"])
    assert f"Across the rounds it took {low:.2f}–{high:.2f} ms." in text
    low, high = min(floor["timings_ms"]), max(floor["timings_ms"])
    assert f"The floor took {low:.2f}–{high:.2f} ms (round medians)." in text
    # The second run finds the data set by its marker and loads nothing.
    assert again["load"] == {**data["load"], "reused": True}
    # ... and compares its floor multiples with the first run's.
    assert again["compare"]["path"] == str(first)
    assert again["compare"]["tickets"] == 2000
    earlier = {r["name"]: r["ratio"] for r in data["rows"]}
    for row in again["rows"]:
        assert row["compared"] == round(row["ratio"] / earlier[row["name"]], 2)
    assert f"Compared with {first} (2,000 tickets)" in again_out.getvalue()
    assert "vs out.json" in again_out.getvalue()
    # The ingestion case: every message taken, nothing left behind, skipped with --ingest 0.
    ingestion = data["ingestion"]
    assert ingestion["messages"] == 60
    assert sum(ingestion["outcomes"].values()) == 60
    assert set(ingestion["outcomes"]) <= {"new_ticket", "follow_up"}
    assert ingestion["outcomes"].get("follow_up", 0) == ingestion["kinds"]["follow_up"]
    assert ingestion["per_second"] > 0
    assert ingestion["emails"] > 0
    assert ingestion["emails_per_second"] > 0
    assert "Ingestion: 60 messages in" in text
    assert "ingestion" not in again
    assert not InboundMessage.objects.exists()
    assert not Queue.objects.filter(name="Benchmark mail").exists()
    assert Ticket.objects.count() == 2000
    assert again["dataset"]["large_customer_tickets"] == data["dataset"]["large_customer_tickets"]
    assert [r["name"] for r in again["rows"]] == [r["name"] for r in data["rows"]]


@pytest.mark.django_db
def test_benchmark_refuses_foreign_data_without_reset():
    factories.CustomerFactory()

    with pytest.raises(CommandError, match="--reset"):
        call_command("benchmark", *SMALL, "--runs", "1")

    assert Customer.objects.count() == 1
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_benchmark_rejects_too_few_customer_users():
    with pytest.raises(CommandError, match="at least twice"):
        call_command("benchmark", "--customers", "50", "--customer-users", "60", "--runs", "1")

    assert Customer.objects.count() == 0


def test_load_verdict_only_for_a_million_tickets():
    assert load_verdict(599.0, 1_000_000) is True
    assert load_verdict(601.0, 1_000_000) is False
    assert load_verdict(10.0, 2000) is None
    assert load_verdict(None, 1_000_000) is None


def test_percentile_nearest_rank():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95) == 5.0
    assert percentile([1.0, 2.0], 0.5) == 1.0
    assert percentile([7.0], 0.95) == 7.0


def test_judge_at_each_budget_boundary():
    assert judge("fragment", 200, 4.0, None) is True
    assert judge("fragment", 200, 4.01, None) is False
    assert judge("page", 200, 8.0, []) is True
    assert judge("page", 200, 8.01, []) is False
    assert judge("first paint", 200, 16.0, None) is True
    assert judge("first paint", 200, 16.01, None) is False
    assert judge("page", 500, 1.0, None) is False
    assert judge("page", 200, None, None) is False  # no floor, no verdict but a failure
    assert judge("floor", 200, 99.0, None) is None
    # a sequential scan of tickets fails the row; of another big table it is only reported
    assert judge("page", 200, 1.0, ["tickets_ticket"]) is False
    assert judge("page", 200, 1.0, ["tickets_article"]) is True


def test_floor_ratio_is_the_median_of_the_rounds_ratios():
    # The second round ran in a slow phase: both sides doubled, its ratio stays 4.
    assert floor_ratio([4.0, 8.0, 5.0], [1.0, 2.0, 1.0]) == 4.0
    # Not the ratio of the medians (5.0 / 1.0): that one would fail a ≤4× budget.
    assert floor_ratio([4.0, 8.0, 5.0, 5.0], [1.0, 2.0, 1.0, 1.0]) == 4.5
    assert floor_ratio([3.0], [0.0]) is None
    assert floor_ratio([], []) is None


class FakeResponse:
    def __init__(self, status_code):
        self.status_code = status_code


class ScriptedClient:
    """Each request advances the fake clock by the next scripted duration of its path."""

    def __init__(self, clock, durations, status=None):
        self.clock, self.durations, self.status = clock, durations, status or {}
        self.paths = []

    def get(self, path, headers=None):
        self.paths.append(path)
        script = self.durations[path]
        self.clock.now += script.pop(0) if len(script) > 1 else script[0]
        return FakeResponse(self.status.get(path, 200))


class FakeClock:
    now = 0

    def __call__(self):
        return self.now


FLOOR_CASE = Case("floor: one indexed query", "floor", "/floor")


def scripted_rows(durations, cases, status=None, runs=3):
    clock = FakeClock()
    client = ScriptedClient(clock, durations, status)
    rows = measure_all([FLOOR_CASE, *cases], {"agent": client}, runs=runs, warmup=0, clock=clock)
    return client, {row.name: row for row in rows}


@pytest.mark.django_db
def test_measure_all_judges_each_case_against_its_rounds_floor():
    """Whole ticks of a fake clock: the ratios are exact, so the boundaries are exact too."""
    cases = [
        Case("fragment at 4x", "fragment", "/f4"),
        Case("fragment above 4x", "fragment", "/f5"),
        Case("page at 8x", "page", "/p8"),
        Case("page above 8x", "page", "/p9"),
        Case("paint at 16x", "first paint", "/d16"),
        Case("paint above 16x", "first paint", "/d17"),
        Case("broken", "page", "/broken"),
    ]
    # Floor 100 ticks in rounds 1 and 3, 200 in the slow round 2; the cases slow down alike.
    n = len(cases)
    floor = [100] * n + [200] * n + [100] * n
    per_case = {"/f4": 400, "/f5": 401, "/p8": 800, "/p9": 801, "/d16": 1600, "/d17": 1601}
    durations = {"/floor": [*floor, 100], "/broken": [1]}
    for path, ticks in per_case.items():
        durations[path] = [ticks, 2 * ticks, ticks, ticks]
    client, rows = scripted_rows(durations, cases, status={"/broken": 500})

    # floor before every case, every round
    assert client.paths[: 2 * n] == [p for c in cases for p in ("/floor", c.url)]
    assert [(name, row.ratio, row.passed) for name, row in rows.items()] == [
        ("floor: one indexed query", 1.0, None),
        ("fragment at 4x", 4.0, True),
        ("fragment above 4x", 4.01, False),
        ("page at 8x", 8.0, True),
        ("page above 8x", 8.01, False),
        ("paint at 16x", 16.0, True),
        ("paint above 16x", 16.01, False),
        ("broken", 0.01, False),
    ]
    assert rows["broken"].status == 500
    # the floor's row holds the round medians; every row names the floor it was judged against
    assert rows["floor: one indexed query"].timings_ms == [100_000, 200_000, 100_000]
    assert {row.floor_ms for row in rows.values()} == {100_000}
    assert rows["page at 8x"].timings_ms == [800_000, 1_600_000, 800_000]
    assert rows["page at 8x"].median_ms == 800_000
    assert [row.budget for row in rows.values()] == ["-", *["≤4×"] * 2, *["≤8×"] * 2] + [
        "≤16×"
    ] * 2 + ["≤8×"]
    # no queries here; the plan check runs on PostgreSQL only
    unchecked = None if connection.vendor != "postgresql" else []
    assert all(row.seq_scans == unchecked for row in rows.values())


@pytest.mark.django_db
def test_measure_all_takes_the_median_of_the_rounds_floor_samples():
    cases = [Case("a", "fragment", "/a"), Case("b", "fragment", "/b")]
    # Round 1 floors 100 and 300 (median 200); round 2 floors 100 and 100.
    durations = {"/floor": [100, 300, 100, 100, 100], "/a": [800, 400, 1], "/b": [800, 400, 1]}

    _, rows = scripted_rows(durations, cases, runs=2)

    assert rows["floor: one indexed query"].timings_ms == [200_000, 100_000]
    assert (rows["a"].ratio, rows["b"].ratio) == (4.0, 4.0)


def _result(path, tickets, ratios):
    rows = [
        asdict(Row(name, "page", "/", 200, 1.0, 1.0, 1.0, 1, "≤8×", True, 1, ratio=ratio))
        for name, ratio in ratios.items()
    ]
    path.write_text(json.dumps({"dataset": {"tickets": tickets}, "rows": rows}))
    return path


def test_compare_sets_each_rows_multiple_over_the_earlier_runs(tmp_path):
    small = _result(tmp_path / "50k.json", 50_000, {"zoom": 4.0, "search": 2.0, "gone": 1.0})
    large = _result(tmp_path / "1m.json", 1_000_000, {"zoom": 4.4, "search": 3.0, "new": 1.0})
    rows = [Row(**row) for row in json.loads(large.read_text())["rows"]]

    summary = compare(rows, json.loads(small.read_text()))

    assert summary == {"tickets": 50_000, "limit": 1.3, "over": ["search"]}
    assert [(r.name, r.compared) for r in rows] == [("zoom", 1.1), ("search", 1.5), ("new", None)]
    text = table(rows, {}, "50k.json")
    assert "vs 50k.json" in text.splitlines()[0]
    lines = {line.split()[0]: line for line in text.splitlines()[2:]}
    assert "1.10" in lines["zoom"]
    assert "1.50 !" in lines["search"]
    assert "over 1.3 against the earlier run" in lines["search"]
    assert "vs" not in table(rows, {}).splitlines()[0]


@pytest.mark.django_db
def test_benchmark_refuses_a_compare_file_that_is_no_result(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")

    with pytest.raises(CommandError, match="not a --json file"):
        call_command("benchmark", *SMALL, "--runs", "1", "--compare", str(bad))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("benchmark", *SMALL, "--runs", "1", "--compare", str(tmp_path / "no.json"))

    assert Ticket.objects.count() == 0


class RecordingClient(Client):
    """Django's test client, noting the path of every request it makes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.paths = []

    def get(self, path, *args, **kwargs):
        self.paths.append(path)
        return super().get(path, *args, **kwargs)


@pytest.mark.django_db
def test_measure_all_times_the_cases_in_rounds():
    """Every case runs once per round, so a slow minute of the machine falls on all cases."""
    client = RecordingClient()
    cases = [Case("a", "floor", "/healthz?a"), Case("b", "floor", "/login/", htmx=True)]

    rows = measure_all(cases, {"agent": client}, runs=3, warmup=2)

    a, b = "/healthz?a", "/login/"
    warmup, rounds, counted = [a, a, b, b], [a, b] * 3, [a, b]
    assert client.paths == warmup + rounds + counted
    assert [(r.name, r.status, r.runs, len(r.timings_ms)) for r in rows] == [
        ("a", 200, 3, 3),
        ("b", 200, 3, 3),
    ]
    assert rows[1].queries == 0
    assert rows[1].passed is None
    assert rows[1].ratio is None  # no floor among the cases


@pytest.mark.postgres
@pytest.mark.django_db
def test_plan_check_reports_a_sequential_scan_of_tickets():
    bad = """SELECT * FROM "tickets_ticket" WHERE title LIKE '%x%'"""
    other = """SELECT 1 FROM "tickets_ticket" WHERE title = 'y'"""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    assert seq_scans(bad) == ["tickets_ticket"]
    cache = {}
    queries = [{"sql": bad}, {"sql": other}, {"sql": bad}]
    assert check_plans(queries, cache) == ["tickets_ticket"]
    assert len(cache) == 2  # each distinct statement explained once
    # statements that do not read tickets are not explained
    assert check_plans([{"sql": 'SELECT * FROM "customers_customer"'}], {}) == []
    # a small table PostgreSQL may scan is only reported when it is a big one
    assert seq_scans("SELECT * FROM django_session") == []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = on")
    assert seq_scans('SELECT number FROM "tickets_ticket" WHERE id = 1') == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_benchmark_small_run_checks_the_plans_on_postgresql(tmp_path):
    result = tmp_path / "out.json"

    call_command(
        "benchmark",
        *SMALL,
        "--runs",
        "1",
        "--warmup",
        "0",
        "--ingest",
        "0",
        "--only",
        "ticket search",
        "--only",
        "CIC new-tickets",
        "--json",
        str(result),
        stdout=io.StringIO(),
    )

    rows = json.loads(result.read_text())["rows"]
    assert len(rows) == 10
    for row in rows:
        assert isinstance(row["seq_scans"], list)
        assert set(row["seq_scans"]) <= set(BIG_TABLES)
        if "tickets_ticket" in row["seq_scans"]:
            assert row["passed"] is False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seed_demo_and_import_leave_fresh_statistics():
    def analysed(relname, since):
        """True when the table's statistics were taken (not by autovacuum) since then."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT coalesce(last_analyze >= %s, false) FROM pg_stat_user_tables "
                "WHERE relname = %s",
                [since, relname],
            )
            return cursor.fetchone()[0]

    before = timezone.now()
    call_command("seed_demo", customers=3, tickets=40, seed=1, stdout=io.StringIO())

    for name in ("tickets_ticket", "tickets_article", "customers_customer"):
        assert analysed(name, before) is True, name

    before = timezone.now()
    csv = "record_type,customer_id,name\ncustomer,NEWCO,New Co\n"
    with mock.patch("sys.stdin", io.StringIO(csv)):
        call_command("import_customers", "-", stdout=io.StringIO(), verbosity=0)

    for name in ("customers_customer", "customers_customeruser"):
        assert analysed(name, before) is True, name


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ingestion_in_parallel_processes_takes_every_message_once(tmp_path):
    result = tmp_path / "out.json"

    # Its own process, as an operator runs it: the benchmark forks its intake processes, and a
    # fork of this test process would inherit the browser tests' threads.
    subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [
            sys.executable,
            "manage.py",
            "benchmark",
            *SMALL,
            "--runs",
            "1",
            "--warmup",
            "0",
            "--only",
            "floor",
            "--ingest",
            "80",
            "--ingest-processes",
            "2",
            "--json",
            str(result),
        ],
        cwd=settings.BASE_DIR,
        env=command_env(tmp_path / "media"),
        check=True,
        capture_output=True,
        timeout=600,
    )

    ingestion = json.loads(result.read_text())["ingestion"]
    assert ingestion["processes"] == 2
    assert sum(ingestion["outcomes"].values()) == 80
    # each thread stays in one process: every follow-up found its ticket
    assert ingestion["outcomes"].get("follow_up", 0) == ingestion["kinds"]["follow_up"]
    assert ingestion["emails"] > 0
    assert not InboundMessage.objects.exists()
    assert not OutboxMessage.objects.filter(status="pending").exists()
