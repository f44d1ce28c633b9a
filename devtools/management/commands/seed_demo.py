"""Load demo data: `manage.py seed_demo [--customers N] [--users-per-customer N] [--tickets N]
[--seed N] [--reset] [--if-empty]`. See `devtools/demo.py` for what it creates."""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from customers.models import Customer
from devtools.demo import DEMO_MODELS, DEMO_PASSWORD, DemoBuilder, demo_logins, demo_reset
from helpdesk.pg import analyse_tables


class Command(BaseCommand):
    help = (
        "Fill the database with realistic demo data (customers, contacts, agents, contracts, "
        "tickets in every state) and print the demo logins. Same --seed, same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=20, help="Default: 20.")
        parser.add_argument(
            "--users-per-customer",
            type=int,
            default=5,
            help="Contacts per customer (at least 2; default 5); some join other customers too.",
        )
        parser.add_argument("--tickets", type=int, default=500, help="Default: 500.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed gives the same data."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Parallel processes for tickets on PostgreSQL (default: CPU count for big runs).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every customer, contract and ticket and the demo users first.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when customers exist already.",
        )

    def handle(self, *args, **options):
        if options["customers"] < 1 or options["users_per_customer"] < 2:
            raise CommandError("Use at least --customers 1 and --users-per-customer 2.")
        if options["tickets"] < 0:
            raise CommandError("--tickets cannot be negative.")
        has_data = Customer.objects.exists()
        if has_data and options["if_empty"]:
            self.stdout.write("Customers exist already; no demo data loaded.")
            self._print_logins()
            return
        if has_data and not options["reset"]:
            raise CommandError(
                "The database already holds customers. Run with --reset to replace them with "
                "demo data, or with --if-empty to keep them."
            )
        started = time.monotonic()
        if options["reset"]:
            self.stdout.write("Deleting existing customers, contracts and tickets…")
            demo_reset()
        workers = options["workers"]
        if workers is None:
            workers = (os.cpu_count() or 1) if options["tickets"] >= 20_000 else 1
        builder = DemoBuilder(
            customers=options["customers"],
            users_per_customer=options["users_per_customer"],
            tickets=options["tickets"],
            seed=options["seed"],
            progress=options["verbosity"] > 0 and options["tickets"] >= 5000,
            log=self.stdout.write,
            workers=max(1, workers),
        )
        summary = builder.run()
        analyse_tables(DEMO_MODELS)
        elapsed = time.monotonic() - started
        rows = ", ".join(f"{count:,} {name}" for name, count in summary.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s: {rows}."))
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<10} {login.url:<16} {login.role}")
