"""`manage.py contract_report`: hours used, limit and remaining per contract."""

import csv

from django.core.management.base import BaseCommand
from django.utils import timezone

from contracts.models import Contract
from customers.csv_io import cell_out

COLUMNS = (
    ("customer_id", "Customer"),
    ("description", "Contract"),
    ("start_date", "Start"),
    ("end_date", "End"),
    ("active", "Active"),
    ("hours_limit", "Limit (h)"),
    ("hours_used", "Used (h)"),
    ("hours_remaining", "Remaining (h)"),
    ("percent_used", "Used %"),
)
NUMERIC = {"hours_limit", "hours_used", "hours_remaining", "percent_used"}


class Command(BaseCommand):
    help = (
        "Report hours used, the hour limit and the hours remaining for every contract, from "
        "the time booked on its tickets (one database query). Contracts without an hour "
        "restriction show no limit. Output as an aligned table (default) or CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=("table", "csv"), default="table", help="output format"
        )
        parser.add_argument(
            "--active", action="store_true", help="only contracts active and running today"
        )
        parser.add_argument("--customer", metavar="CUSTOMER_ID", help="only this customer")

    def handle(self, *args, **options):
        contracts = Contract.objects.select_related("customer")
        if options["active"]:
            contracts = contracts.active()
        if options["customer"]:
            contracts = contracts.filter(customer__customer_id__iexact=options["customer"])
        contracts = contracts.order_by("customer__customer_id", "start_date", "pk")
        today = timezone.localdate()
        rows = [self._row(contract, today) for contract in contracts]
        if options["format"] == "csv":
            writer = csv.writer(self.stdout._out, lineterminator="\n")
            writer.writerow([key for key, _ in COLUMNS])
            writer.writerows([[cell_out(row[key]) for key, _ in COLUMNS] for row in rows])
        else:
            self._table(rows)

    @staticmethod
    def _row(contract: Contract, today) -> dict:
        restricted = contract.has_hour_restriction and contract.contract_hours is not None
        running = contract.start_date <= today and (
            contract.end_date is None or contract.end_date >= today
        )
        return {
            "customer_id": contract.customer.customer_id,
            "description": contract.description,
            "start_date": contract.start_date.isoformat(),
            "end_date": contract.end_date.isoformat() if contract.end_date else "",
            "active": "yes" if contract.is_active and running else "no",
            "hours_limit": contract.contract_hours if restricted else "",
            "hours_used": contract.hours_used,
            "hours_remaining": contract.hours_remaining if restricted else "",
            "percent_used": contract.percent_used if restricted else "",
        }

    def _table(self, rows: list[dict]) -> None:
        if not rows:
            self.stdout.write("No contracts.")
            return
        cells = [[label for _, label in COLUMNS]] + [
            [str(row[key]) for key, _ in COLUMNS] for row in rows
        ]
        widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
        for n, line in enumerate(cells):
            self.stdout.write(
                "  ".join(
                    value.rjust(width) if key in NUMERIC else value.ljust(width)
                    for value, width, (key, _) in zip(line, widths, COLUMNS, strict=True)
                ).rstrip()
            )
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
