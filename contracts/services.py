"""Contract writes and contract hour notices (DESIGN §4): a threshold warning and a limit
notice, each once per hour limit, emailed through the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncHour

from customers.models import Customer

from .emails import contract_notice_emails_add
from .models import Contract, ContractHourUsage, ContractNotification


@transaction.atomic
def contract_save(
    *, customer: Customer, contract: Contract | None = None, services=(), **fields
) -> Contract:
    """Create (no `contract`) or update a contract of the customer.

    The row is locked while it changes so a concurrent time booking sees either the old or the
    new hours. Validation is `Contract.clean()` (the form runs it; it runs again here so a
    direct caller cannot skip it). Raising `contract_hours` re-arms both hour notices: their
    key is the hour limit they were sent for, so the new limit has none yet.
    """
    if contract is None:
        contract = Contract(customer=customer)
    else:
        contract = Contract.objects.select_for_update().get(pk=contract.pk, customer=customer)
    for field, value in fields.items():
        setattr(contract, field, value)
    if not contract.has_hour_restriction:
        contract.contract_hours = None
        contract.hours_notification_threshold = None
    contract.full_clean(exclude=["customer"])
    contract.save()
    contract.services.set(services or [])
    return contract


# --- hours used: the stored running total ----------------------------------------------------
#
# `Contract.minutes_used` = SUM(minutes) of the time entries of the contract's tickets
# (DESIGN §4; the rule itself is `ContractQuerySet.with_minutes_recounted`). Every path that
# changes that sum changes the total in the same transaction, holding the contract's row lock
# (taken after the ticket's, contracts in key order: `contracts_lock`):
#
# - booking time: `tickets.services.ticket_add_time` -> `contract_minutes_add`;
# - a ticket moving to another contract (or off / onto one): `tickets.services.ticket_update`
#   and the ticket admin -> `contract_ticket_moved`;
# - a ticket created with a contract has no time entries yet: nothing to add;
# - admin edits and deletes of time entries and tickets -> `contracts_recount` (the rule,
#   summed again for the contracts concerned); time entries cannot be added in the admin;
# - bulk loads (demo data) -> `contracts_recount`.
#
# `ContractHourUsage` splits the same sum by the hour of each entry (the usage chart) and
# follows every one of these paths alongside the total.


def contracts_lock(contract_ids: Iterable[int | None]) -> list[int]:
    """Lock the contracts' rows in primary key order (no deadlock between two movers); returns
    the keys. The order must be explicit: the model's default ordering (start date,
    description) ties for alike contracts, and PostgreSQL then locks them in any order."""
    ids = sorted({pk for pk in contract_ids if pk is not None})
    if ids:
        list(
            Contract.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk")
        )
    return ids


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _usage_add(contract_id: int, by_hour: dict[datetime, int], sign: int = 1) -> None:
    """Add (or with `sign=-1` take away) minutes per hour; the caller holds the contract's row
    lock, so no other transaction changes these rows meanwhile."""
    for hour, minutes in by_hour.items():
        rows = ContractHourUsage.objects.filter(contract_id=contract_id, hour=hour)
        if not rows.update(minutes=F("minutes") + sign * minutes):
            ContractHourUsage.objects.create(
                contract_id=contract_id, hour=hour, minutes=sign * minutes
            )
    ContractHourUsage.objects.filter(contract_id=contract_id, minutes__lte=0).delete()


def _entries_by_hour(entries) -> dict[datetime, int]:
    rows = (
        entries.annotate(bucket=TruncHour("created_at", tzinfo=UTC))
        .values("bucket")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    return {row["bucket"]: row["total"] for row in rows}


def contract_minutes_add(*, contract: Contract, minutes: int, at: datetime) -> None:
    """Add minutes booked at `at` to the contract's total and hourly usage. The caller holds
    the contract's row lock (`select_for_update`) and created the time entry in this
    transaction; `contract` is updated in memory too."""
    Contract.objects.filter(pk=contract.pk).update(minutes_used=F("minutes_used") + minutes)
    contract.minutes_used += minutes
    _usage_add(contract.pk, {_hour(at): minutes})


def contract_ticket_moved(*, ticket, old_contract_id: int | None, new_contract_id: int | None):
    """The ticket's time now counts for `new_contract_id` instead of `old_contract_id`. Call it
    in the transaction that changes `ticket.contract`, with the ticket's row locked."""
    if old_contract_id == new_contract_id:
        return
    contracts_lock([old_contract_id, new_contract_id])
    by_hour = _entries_by_hour(ticket.time_entries.all())
    minutes = sum(by_hour.values())
    if not minutes:
        return
    if old_contract_id is not None:
        Contract.objects.filter(pk=old_contract_id).update(minutes_used=F("minutes_used") - minutes)
        _usage_add(old_contract_id, by_hour, sign=-1)
    if new_contract_id is not None:
        Contract.objects.filter(pk=new_contract_id).update(minutes_used=F("minutes_used") + minutes)
        _usage_add(new_contract_id, by_hour)


def contracts_recount(contract_ids: Iterable[int | None] | None = None) -> int:
    """Store the rule's sum again for these contracts (every contract with `None`), after
    admin edits and deletes of time entries or tickets and after bulk loads; returns how many
    totals changed."""
    with transaction.atomic():
        contracts = Contract.objects.all()
        if contract_ids is not None:
            contracts = contracts.filter(pk__in={pk for pk in contract_ids if pk is not None})
        stored = dict(
            contracts.select_for_update().order_by("pk").values_list("pk", "minutes_used")
        )
        counted = dict(
            contracts.with_minutes_recounted().order_by().values_list("pk", "minutes_recounted")
        )
        changed = [
            Contract(pk=pk, minutes_used=counted[pk])
            for pk, minutes in stored.items()
            if counted[pk] != minutes
        ]
        Contract.objects.bulk_update(changed, ["minutes_used"], batch_size=500)
        usage = ContractHourUsage.objects.all()
        time_entry = apps.get_model("tickets", "TimeEntry")
        entries = time_entry.objects.filter(ticket__contract__isnull=False)
        if contract_ids is not None:
            usage = usage.filter(contract_id__in=list(stored))
            entries = entries.filter(ticket__contract__in=list(stored))
        usage.delete()
        rows = (
            entries.annotate(bucket=TruncHour("created_at", tzinfo=UTC))
            .values("ticket__contract", "bucket")
            .annotate(total=Sum("minutes"))
            .order_by()
        )
        ContractHourUsage.objects.bulk_create(
            (
                ContractHourUsage(
                    contract_id=row["ticket__contract"], hour=row["bucket"], minutes=row["total"]
                )
                for row in rows.iterator()
                if row["total"] > 0
            ),
            batch_size=2000,
        )
    return len(changed)


def contract_hours_check(*, contract: Contract) -> list[ContractNotification]:
    """Record the notices the contract's hours now call for, with the emails they owe.

    Call it inside the transaction that booked the time, with the contract row locked
    (`select_for_update`) and its `minutes_used` current, so concurrent bookings see each
    other's minutes. The unique (contract, kind, key) row makes each notice exactly-once; the
    key is the hour limit the notice was raised for, so raising the limit re-arms both
    notices. The emails go into the outbox in the same transaction (contracts/emails.py).
    """
    if not contract.has_hour_restriction or not contract.contract_hours:
        return []
    used = contract.hours_used
    kinds = []
    threshold = contract.hours_notification_threshold
    if threshold is not None and used >= threshold:
        kinds.append(ContractNotification.Kind.THRESHOLD)
    if used >= contract.contract_hours:
        kinds.append(ContractNotification.Kind.LIMIT)
    created = []
    for kind in kinds:
        try:
            with transaction.atomic():
                notice = ContractNotification.objects.create(
                    contract=contract, kind=kind, key=f"hours:{contract.contract_hours}"
                )
        except IntegrityError:
            continue  # already recorded for this limit
        created.append(notice)
        contract_notice_emails_add(notice=notice)
    return created
