"""Contract hour notices (DESIGN §4): a threshold warning and a limit notice, each once."""

from django.db import IntegrityError, transaction

from .models import Contract, ContractNotification


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
