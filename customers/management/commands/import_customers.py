"""`manage.py import_customers FILE`: customers and customer users from one CSV file."""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from tqdm import tqdm

from customers.csv_io import (
    COLUMNS,
    CUSTOMER,
    CUSTOMER_FIELDS,
    RECORD_TYPES,
    USER_FIELDS,
    CustomerRow,
    CustomerUserRow,
    cell_in,
)
from customers.models import Customer, CustomerUser
from helpdesk.pg import analyse_tables

HELP = """\
Import customers and customer users from one CSV file (UTF-8, header row first).

Every row is validated before anything is written: if any row is bad, nothing is imported and
each problem is reported with its line number. A row whose customer_id (customer rows) or login
(user rows) already exists updates that record, matching case-insensitively and changing only
the columns present in the file, so running the same import twice does not duplicate anything.
Memberships in extra_customers are added, never removed.

Columns (any order; only record_type and customer_id must be present):
  record_type      customer | user
  customer_id      customer rows: the customer's ID; user rows: the primary customer's ID
                   (in the same file or already in the database)
  name             customer: required
  street, zip, city, country, url, comment
                   customer: optional
  phone            optional, both kinds
  login            user: required (the key)
  first_name, last_name, email
                   user: required
  mobile           user: optional
  is_power_user    user: yes/no, default no
  extra_customers  user: further customer IDs separated by spaces or ';'
  is_active        yes/no, default yes

Example:
  record_type,customer_id,name,city,login,first_name,last_name,email,is_power_user
  customer,ACME,Acme Corp,Berlin,,,,,
  user,ACME,,,jdoe,Jane,Doe,jane.doe@acme.example,yes

export_customers writes this format, so its output can be imported again.
"""


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the column table of the help text as written."""


@dataclass
class Plan:
    """The validated rows and the records they match; what would change is derived from it."""

    customers: list[tuple[int, dict]] = field(default_factory=list)
    users: list[tuple[int, dict]] = field(default_factory=list)
    existing_customers: dict[str, Customer] = field(default_factory=dict)
    existing_users: dict[str, CustomerUser] = field(default_factory=dict)
    columns: set[str] = field(default_factory=set)

    def customer_changes(self, existing: Customer, data: dict) -> dict:
        """The present columns whose value differs from the record."""
        return {
            name: data[name]
            for name in CUSTOMER_FIELDS
            if name in self.columns and getattr(existing, name) != data[name]
        }

    def user_changes(self, existing: CustomerUser, data: dict, customers: dict) -> dict:
        changes = {
            name: data[name]
            for name in USER_FIELDS
            if name in self.columns
            and name not in ("customer_id", "extra_customers")
            and getattr(existing, name) != data[name]
        }
        primary = customers.get(data["customer_id"].lower())
        if primary is None or primary.pk != existing.customer_id:
            changes["customer"] = primary
        return changes

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(
            ("customers_new", "customers_changed", "users_new", "users_changed"), 0
        )
        for _, data in self.customers:
            existing = self.existing_customers.get(data["customer_id"].lower())
            if existing is None:
                counts["customers_new"] += 1
            elif self.customer_changes(existing, data):
                counts["customers_changed"] += 1
        for _, data in self.users:
            existing = self.existing_users.get(data["login"].lower())
            if existing is None:
                counts["users_new"] += 1
            elif self.user_changes(existing, data, self.existing_customers):
                counts["users_changed"] += 1
        counts["customers_same"] = (
            len(self.customers) - counts["customers_new"] - counts["customers_changed"]
        )
        counts["users_same"] = len(self.users) - counts["users_new"] - counts["users_changed"]
        return counts


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = HelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file, or - for standard input")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and report what would change, write nothing",
        )
        parser.add_argument("--delimiter", default=",", help="cell separator (default ',')")
        parser.add_argument(
            "--encoding", default="utf-8-sig", help="file encoding (default UTF-8, BOM allowed)"
        )

    def handle(self, *args, **options):
        progress = options["verbosity"] > 0
        header, rows = self._read(options["file"], options["delimiter"], options["encoding"])
        plan, errors = validate(header, rows, progress=progress, out=self.stderr._out)
        if errors:
            for line, message in errors:
                self.stderr.write(f"line {line}: {message}")
            bad = len({line for line, _ in errors})
            raise CommandError(f"{bad} bad row(s) in {options['file']}; nothing was imported.")
        n = plan.counts()
        summary = (
            f"{n['customers_new']} customer(s) {{new}}, {n['customers_changed']} {{changed}}, "
            f"{n['customers_same']} unchanged; {n['users_new']} customer user(s) {{new}}, "
            f"{n['users_changed']} {{changed}}, {n['users_same']} unchanged."
        )
        if options["dry_run"]:
            text = summary.format(new="to create", changed="to update")
            self.stdout.write(f"Dry run, nothing was written: {text}")
            return
        apply(plan, progress=progress, out=self.stderr._out)
        analyse_tables((Customer, CustomerUser))
        self.stdout.write("Imported: " + summary.format(new="created", changed="updated"))

    def _read(self, path: str, delimiter: str, encoding: str):
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding=encoding, newline="") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter)
        try:
            header = [(name or "").strip() for name in (reader.fieldnames or [])]
            reader.fieldnames = header
            rows = [(reader.line_num, row) for row in reader]
        except csv.Error as exc:
            raise CommandError(f"{path}, line {reader.line_num}: {exc}") from exc
        if not header:
            raise CommandError(f"{path} is empty: the first line must name the columns.")
        return header, rows


# --- validation ---------------------------------------------------------------------------------


def _form_errors(form) -> list[str]:
    return [
        f"{name}: {message}" if name != "__all__" else message
        for name, messages in form.errors.items()
        for message in messages
    ]


def validate(header, rows, *, progress=False, out=None) -> tuple[Plan, list[tuple[int, str]]]:
    """Check every row; the plan is only usable when the error list is empty."""
    plan = Plan(columns=set(header))
    errors: list[tuple[int, str]] = []
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        errors.append((1, f"unknown column(s): {', '.join(unknown)}"))
    missing = [name for name in ("record_type", "customer_id") if name not in header]
    if missing:
        errors.append((1, f"missing column(s): {', '.join(missing)}"))
    if errors:
        return plan, errors

    seen_customers: dict[str, int] = {}
    seen_users: dict[str, int] = {}
    for line, raw in tqdm(rows, desc="Validating", unit="row", disable=not progress, file=out):
        if None in raw:
            errors.append(
                (line, f"{len(header) + len(raw[None])} cells, the header has {len(header)}")
            )
            continue
        values = {name: cell_in(value) for name, value in raw.items()}
        kind = RECORD_TYPES.get(values["record_type"].lower())
        if kind is None:
            errors.append(
                (line, f"record_type: must be customer or user, not {values['record_type']!r}")
            )
            continue
        form = (CustomerRow if kind == CUSTOMER else CustomerUserRow)(data=values)
        if not form.is_valid():
            errors += [(line, message) for message in _form_errors(form)]
            continue
        data = form.cleaned_data
        if kind == CUSTOMER:
            key = data["customer_id"].lower()
            if key in seen_customers:
                errors.append(
                    (
                        line,
                        f"customer_id: {data['customer_id']} is already on line "
                        f"{seen_customers[key]}",
                    )
                )
                continue
            seen_customers[key] = line
            plan.customers.append((line, data))
        else:
            key = data["login"].lower()
            if key in seen_users:
                errors.append(
                    (line, f"login: {data['login']} is already on line {seen_users[key]}")
                )
                continue
            seen_users[key] = line
            plan.users.append((line, data))

    _check_against_database(plan, errors)
    errors.sort(key=lambda error: error[0])
    return plan, errors


def _check_against_database(plan: Plan, errors: list[tuple[int, str]]) -> None:
    """Customers referenced by users exist; logins and emails stay unique as the UI keeps them."""
    file_customers = {d["customer_id"].lower() for _, d in plan.customers}
    referenced = set(file_customers)
    for _, data in plan.users:
        referenced |= {data["customer_id"].lower(), *(c.lower() for c in data["extra_customers"])}
    plan.existing_customers = {
        c.key: c
        for c in Customer.objects.annotate(key=Lower("customer_id")).filter(key__in=referenced)
    }
    known = file_customers | set(plan.existing_customers)
    logins = {d["login"].lower() for _, d in plan.users}
    plan.existing_users = {
        u.key: u for u in CustomerUser.objects.annotate(key=Lower("login")).filter(key__in=logins)
    }

    # Active users already in the database, by (customer, email), for the duplicate-email rule.
    primary = {d["customer_id"].lower() for _, d in plan.users}
    taken: dict[tuple[str, str], str] = {}
    for login, customer_key, email in (
        CustomerUser.objects.active()
        .annotate(ckey=Lower("customers__customer_id"), ekey=Lower("email"), lkey=Lower("login"))
        .filter(ckey__in=primary)
        .exclude(lkey__in=logins)  # their rows in the file decide
        .values_list("login", "ckey", "ekey")
    ):
        taken[(customer_key, email)] = login

    emails_in_file: dict[tuple[str, str], int] = {}
    for line, data in plan.users:
        for customer_id in [data["customer_id"], *data["extra_customers"]]:
            if customer_id.lower() not in known:
                name = "customer_id" if customer_id == data["customer_id"] else "extra_customers"
                errors.append(
                    (line, f"{name}: no customer {customer_id} in the file or the database")
                )
        if not data["is_active"]:
            continue
        key = (data["customer_id"].lower(), data["email"].lower())
        if key in taken:
            errors.append(
                (
                    line,
                    f"email: {data['email']} is already used by {taken[key]} of "
                    f"customer {data['customer_id']}",
                )
            )
        elif key in emails_in_file:
            errors.append(
                (
                    line,
                    f"email: {data['email']} is already used on line "
                    f"{emails_in_file[key]} for customer {data['customer_id']}",
                )
            )
        else:
            emails_in_file[key] = line


# --- writing ------------------------------------------------------------------------------------

BATCH = 500


@transaction.atomic
def apply(plan: Plan, *, progress=False, out=None) -> None:
    """Write the validated plan in one transaction, in batches; unchanged records are skipped."""
    now = timezone.now()
    total = len(plan.customers) + len(plan.users)
    with tqdm(total=total, desc="Importing", unit="row", disable=not progress, file=out) as bar:
        _apply_customers(plan, now, bar)
        _apply_users(plan, now, bar)


def _write(model, new: list, changed: list, fields: set[str], bar) -> None:
    for start in range(0, len(new), BATCH):
        model.objects.bulk_create(new[start : start + BATCH])
    if changed:
        for start in range(0, len(changed), BATCH):
            model.objects.bulk_update(changed[start : start + BATCH], [*fields, "updated_at"])
    bar.update(len(new) + len(changed))


def _apply_customers(plan: Plan, now, bar) -> None:
    new, changed, fields = [], [], set()
    for _, data in plan.customers:
        existing = plan.existing_customers.get(data["customer_id"].lower())
        if existing is None:
            new.append(Customer(**data))
            continue
        changes = plan.customer_changes(existing, data)
        if changes:
            for name, value in changes.items():
                setattr(existing, name, value)
            existing.updated_at = now
            changed.append(existing)
            fields |= set(changes)
        else:
            bar.update(1)
    _write(Customer, new, changed, fields, bar)


def _apply_users(plan: Plan, now, bar) -> None:
    if not plan.users:
        return
    keys = {d["customer_id"].lower() for _, d in plan.users}
    for _, data in plan.users:
        keys |= {c.lower() for c in data["extra_customers"]}
    customers = {
        c.key: c for c in Customer.objects.annotate(key=Lower("customer_id")).filter(key__in=keys)
    }
    new, changed, fields = [], [], set()
    for _, data in plan.users:
        existing = plan.existing_users.get(data["login"].lower())
        if existing is None:
            values = {n: v for n, v in data.items() if n not in ("customer_id", "extra_customers")}
            new.append(CustomerUser(customer=customers[data["customer_id"].lower()], **values))
            continue
        changes = plan.user_changes(existing, data, customers)
        if changes:
            for name, value in changes.items():
                setattr(existing, name, value)
            existing.updated_at = now
            changed.append(existing)
            fields |= set(changes)
        else:
            bar.update(1)
    _write(CustomerUser, new, changed, fields, bar)

    # Memberships: the primary customer and the extra ones are added, never removed.
    users = {
        u.key: u.pk
        for u in CustomerUser.objects.annotate(key=Lower("login")).filter(
            key__in=[d["login"].lower() for _, d in plan.users]
        )
    }
    through = CustomerUser.customers.through
    links = [
        through(customeruser_id=users[data["login"].lower()], customer_id=customers[c.lower()].pk)
        for _, data in plan.users
        for c in {data["customer_id"], *data["extra_customers"]}
    ]
    through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)

    # Portal logins mirror the names and email of their customer user (as the UI keeps them).
    for customer_user in changed:
        if customer_user.user_id:
            get_user_model().objects.filter(pk=customer_user.user_id).update(
                first_name=customer_user.first_name,
                last_name=customer_user.last_name,
                email=customer_user.email,
            )
