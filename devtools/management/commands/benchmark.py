"""`manage.py benchmark [--customers N] [--customer-users N] [--tickets N] [--seed N]
[--runs N] [--warmup N] [--only TEXT] [--ingest N] [--json PATH] [--compare PATH] [--reset]`:
load (or reuse) a skewed data set and time every agent and portal page and fragment against
budgets that are multiples of the floor (one indexed query) timed in the same round, check their
query plans on PostgreSQL, then push N email messages through the intake (messages per second).
`--compare` sets each row's floor multiple beside an earlier run's `--json` file (1M vs 50k
tickets). See `devtools/benchmark.py` and `devtools/ingest_bench.py`."""

import json
import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from tqdm import tqdm

from customers.models import Customer, CustomerUser
from dashboards.stats import ticket_stats_refresh
from devtools import benchmark as bench
from devtools import ingest_bench
from devtools.demo import demo_reset
from tickets.models import Ticket


class Command(BaseCommand):
    help = (
        "Load (or reuse) a skewed data set and measure every page and widget as a multiple of "
        "the floor (one indexed query) timed in the same rounds, with query counts and plans."
    )

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=20_000)
        parser.add_argument("--customer-users", type=int, default=100_000)
        parser.add_argument("--tickets", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--runs", type=int, default=30, help="Timed rounds (one run of every case each)."
        )
        parser.add_argument("--warmup", type=int, default=3, help="Untimed runs per case first.")
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            help="Measure only the cases whose name contains this text (repeatable).",
        )
        parser.add_argument("--json", dest="json_path", help="Write the results to this file.")
        parser.add_argument(
            "--compare",
            dest="compare_path",
            help="A --json file of an earlier run: show each row's floor multiple over that "
            f"run's (e.g. 1M over 50k tickets; flagged above {bench.COMPARE_LIMIT:g}).",
        )
        parser.add_argument(
            "--ingest",
            type=int,
            default=2000,
            help="Messages through the email intake (0: skip the ingestion case).",
        )
        parser.add_argument(
            "--ingest-processes",
            type=int,
            default=None,
            help="Processes taking mail at once (default: CPU count on PostgreSQL, 1 on SQLite).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Parallel loader processes on PostgreSQL (default: CPU count).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Replace whatever customers and tickets the database holds with the data set.",
        )

    def handle(self, *args, **options):
        if options["customers"] < 1 or options["tickets"] < 100 or options["runs"] < 1:
            raise CommandError("Use at least --customers 1, --tickets 100 and --runs 1.")
        if options["customer_users"] < 2 * options["customers"]:
            raise CommandError("--customer-users must be at least twice --customers.")
        earlier = self._earlier(options["compare_path"])
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: every query is logged, timings will be higher.")
        sizes = {
            "customers": options["customers"],
            "customer_users": options["customer_users"],
            "tickets": options["tickets"],
            "seed": options["seed"],
        }
        zoom, load = self._dataset(sizes, options)
        dataset = {
            **sizes,
            "customer_users_loaded": CustomerUser.objects.count(),
            "largest_customer": bench.LARGE_CUSTOMER,
        }
        with override_settings(
            ROOT_URLCONF="devtools.benchmark",
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ):
            rows = self._measure(zoom, dataset, options)
        compared = None
        if earlier is not None:
            compared = {"path": options["compare_path"], **bench.compare(rows, earlier)}
        data = bench.report(rows, load, dataset, compared)
        ingestion = None
        if options["ingest"] > 0:
            processes = options["ingest_processes"] or (
                (os.cpu_count() or 1) if connection.vendor == "postgresql" else 1
            )
            ingestion = ingest_bench.measure(
                options["ingest"], seed=options["seed"], processes=max(processes, 1)
            )
            data["ingestion"] = ingestion.as_dict()
        self.stdout.write("")
        label = os.path.basename(options["compare_path"]) if compared else None
        self.stdout.write(bench.table(rows, load, label))
        self.stdout.write("")
        if compared is not None:
            tickets = compared["tickets"]
            self.stdout.write(
                f"Compared with {compared['path']} ({tickets:,} tickets): the `vs` column is "
                "this run's floor multiple over that run's; target "
                f"≤{bench.COMPARE_LIMIT:g}."
                if tickets is not None
                else f"Compared with {compared['path']} (ticket count unknown)."
            )
        if ingestion is not None:
            self.stdout.write(ingestion.line())
        if speed := bench.machine_speed(rows):
            self.stdout.write(speed)
        if options["json_path"]:
            bench.write_json(options["json_path"], data)
            self.stdout.write(f"Results written to {options['json_path']}.")
        failed = [r.name for r in rows if r.passed is False]
        if load.get("passed") is False:
            failed.append("data set load")
        if ingestion is not None and not ingestion.passed:
            failed.append("ingestion")
        if compared is not None:
            failed += [f"{name} (vs {label})" for name in compared["over"]]
        if failed:
            self.stdout.write(self.style.WARNING(f"{len(failed)} over budget: {', '.join(failed)}"))
        else:
            self.stdout.write(self.style.SUCCESS("Every budget passes."))

    def _earlier(self, path):
        """The results of an earlier run (`--json`), read before the long measurement."""
        if not path:
            return None
        try:
            with open(path) as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            raise CommandError(f"{path} is not a --json file of manage.py benchmark.")
        return data

    # --- data ---------------------------------------------------------------------------------

    def _dataset(self, sizes, options):
        zoom = bench.dataset_ticket(**sizes)
        if zoom is not None:
            stored = json.loads(zoom.satisfaction_comment or "{}")
            seconds = stored.get("load_seconds")
            self.stdout.write(f"Reusing the data set (seed {sizes['seed']}).")
            return zoom, {
                "seconds": seconds,
                "reused": True,
                "passed": bench.load_verdict(seconds, sizes["tickets"]),
            }
        if Customer.objects.exists() or Ticket.objects.exists():
            if not options["reset"]:
                raise CommandError(
                    "The database holds other customers or tickets. Run with --reset to replace "
                    "them with the benchmark data set (deletes every customer and ticket)."
                )
            self.stdout.write("Deleting existing customers, contracts and tickets…")
            demo_reset()
        workers = options["workers"]
        if workers is None:
            workers = (os.cpu_count() or 1) if sizes["tickets"] >= 20_000 else 1
        self.stdout.write(
            f"Loading {sizes['customers']:,} customers, {sizes['customer_users']:,} customer "
            f"users and {sizes['tickets']:,} tickets (seed {sizes['seed']})…"
        )
        started = time.monotonic()
        zoom, summary = bench.load_dataset(
            **sizes,
            workers=max(1, workers),
            progress=options["verbosity"] > 0,
            log=self.stdout.write,
        )
        seconds = round(time.monotonic() - started, 1)
        zoom.satisfaction_comment = json.dumps({"load_seconds": seconds})
        zoom.save(update_fields=["satisfaction_comment"])
        rows = ", ".join(f"{count:,} {name}" for name, count in summary.items() if count)
        self.stdout.write(f"Loaded in {seconds:.1f} s: {rows}.")
        return zoom, {
            "seconds": seconds,
            "reused": False,
            "passed": bench.load_verdict(seconds, sizes["tickets"]),
        }

    # --- requests -----------------------------------------------------------------------------

    def _measure(self, zoom, dataset, options):
        # Beat keeps the agent dashboard's hourly counts fresh; a reused data set may be days old.
        ticket_stats_refresh()
        agent = bench.bench_agent()
        large = Customer.objects.get(customer_id=bench.LARGE_CUSTOMER)
        small = bench.small_customer(large)
        power = CustomerUser.objects.select_related("user").get(login=bench.POWER_USER)
        dataset.update(
            {
                "large_customer_tickets": Ticket.objects.filter(customer=large).count(),
                "small_customer": small.customer_id,
                "small_customer_tickets": Ticket.objects.filter(customer=small).count(),
                "power_user": power.login,
                "power_user_visible_tickets": Ticket.objects.visible_to_portal_user(power).count(),
                "zoom_ticket": zoom.number,
            }
        )
        clients = {"agent": Client(), "portal": Client()}
        clients["agent"].force_login(agent)
        clients["portal"].force_login(power.user)
        cases = bench.build_cases(large=large, small=small, power=power, zoom=zoom)
        if options["only"]:
            # The floor stays: every ratio needs it.
            cases = [
                c
                for c in cases
                if c.name == bench.FLOOR or any(text in c.name for text in options["only"])
            ]
            if len(cases) == 1 and not any(text in bench.FLOOR for text in options["only"]):
                raise CommandError("No case name contains any of the --only texts.")
        return bench.measure_all(
            cases,
            clients,
            runs=options["runs"],
            warmup=options["warmup"],
            progress=lambda rounds: tqdm(
                rounds,
                unit="round",
                disable=options["verbosity"] == 0,
                desc=f"Measuring {len(cases)} cases",
                leave=False,
            ),
        )
