"""Contract writes and contract hour notices (DESIGN §4): a threshold warning and a limit
notice, each once per hour limit."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from customers.models import Customer

from .models import Contract, ContractNotification


class ContractError(Exception):
    """A rule refused the change; the message is meant for the user."""


@transaction.atomic
def contract_save(
    *, customer: Customer, contract: Contract | None = None, by=None, services=(), **fields
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


def contract_hours_check(*, contract: Contract) -> list[ContractNotification]:
    """Record the notices the contract's hours now call for and send them after commit.

    Call it inside the transaction that booked the time, with the contract row locked
    (`select_for_update`), so concurrent bookings see each other's minutes. The unique
    (contract, kind, key) row makes each notice exactly-once; the key is the hour limit the
    notice was sent for, so raising the limit re-arms both notices.
    """
    contract = Contract.objects.with_hours_used().get(pk=contract.pk)
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
        transaction.on_commit(lambda pk=notice.pk: _enqueue(pk))
    return created


def _enqueue(notification_id: int) -> None:
    from .tasks import send_contract_notification

    send_contract_notification.delay(notification_id)
