"""`manage.py export_customers`: customers and customer users as CSV."""

import csv

from django.core.management.base import BaseCommand, CommandError

from customers.csv_io import COLUMNS, CUSTOMER, CUSTOMER_FIELDS, USER, cell_out
from customers.models import Customer, CustomerUser

CHUNK = 2000


class Command(BaseCommand):
    help = (
        "Export customers and customer users as one CSV file in the format import_customers "
        "reads (see `manage.py import_customers --help` for the columns): customer rows first, "
        "then user rows. Cells starting with = + - @ are prefixed with a single quote so a "
        "spreadsheet does not run them as formulas; import_customers removes that quote again."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="write to this file instead of standard output")
        parser.add_argument(
            "--active-only",
            action="store_true",
            help="only active customers and active customer users",
        )

    def handle(self, *args, **options):
        if options["output"]:
            try:
                handle = open(options["output"], "w", encoding="utf-8", newline="")  # noqa: SIM115 closed below
            except OSError as exc:
                raise CommandError(f"Cannot write {options['output']}: {exc}") from exc
        else:
            handle = self.stdout._out
        try:
            customers, users = self._write(handle, active_only=options["active_only"])
        finally:
            if options["output"]:
                handle.close()
        if options["output"]:
            self.stderr.write(
                f"Exported {customers} customer(s) and {users} customer user(s) "
                f"to {options['output']}."
            )

    def _write(self, handle, *, active_only: bool) -> tuple[int, int]:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        customers = Customer.objects.order_by("customer_id")
        users = (
            CustomerUser.objects.select_related("customer")
            .prefetch_related("customers")
            .order_by("login")
        )
        if active_only:
            customers = customers.filter(is_active=True)
            users = users.filter(is_active=True)
        n_customers = n_users = 0
        for customer in customers.iterator(chunk_size=CHUNK):
            row = {"record_type": CUSTOMER, **{f: getattr(customer, f) for f in CUSTOMER_FIELDS}}
            writer.writerow([cell_out(row.get(column)) for column in COLUMNS])
            n_customers += 1
        for user in users.iterator(chunk_size=CHUNK):
            extra = sorted(c.customer_id for c in user.customers.all() if c.pk != user.customer_id)
            row = {
                "record_type": USER,
                "customer_id": user.customer.customer_id,
                "phone": user.phone,
                "login": user.login,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "mobile": user.mobile,
                "is_power_user": user.is_power_user,
                "extra_customers": " ".join(extra),
                "is_active": user.is_active,
            }
            writer.writerow([cell_out(row.get(column)) for column in COLUMNS])
            n_users += 1
        return n_customers, n_users
