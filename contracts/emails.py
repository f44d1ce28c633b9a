"""Contract hour notices by email, through the outbox (helpdesk/outbox.py).

Kinds `contract_threshold` and `contract_limit` (template folders under templates/emails/):
one email per recipient for each `ContractNotification` raised by `contract_hours_check`.
"""

from __future__ import annotations

from customers.models import NotificationEvent, NotificationGroup
from helpdesk.models import OutboxMessage
from helpdesk.outbox import Email, Skip, email_kind, outbox_add

from .models import ContractNotification

GROUP_EVENTS = {
    ContractNotification.Kind.THRESHOLD: NotificationEvent.CONTRACT_THRESHOLD,
    ContractNotification.Kind.LIMIT: NotificationEvent.CONTRACT_LIMIT,
}


def contract_notice_recipients(notice: ContractNotification) -> list[str]:
    """The contract's customer contact, support contact and support manager, and the members
    of the customer's groups subscribed to the notice; active people with an address only."""
    contract = notice.contract
    people = [contract.customer_contact, contract.support_contact, contract.support_manager]
    emails = [p.email for p in people if p is not None and p.email and p.is_active]
    event = GROUP_EVENTS.get(notice.kind)
    if event is not None:
        groups = NotificationGroup.objects.for_event(contract.customer_id, event)
        for group in groups.prefetch_related("customer_users", "agents"):
            emails += [u.email for u in group.customer_users.all() if u.is_active and u.email]
            emails += [a.email for a in group.agents.all() if a.is_active and a.email]
    return sorted({email.lower() for email in emails})


def contract_notice_emails_add(*, notice: ContractNotification) -> int:
    """Owe the hour notice to its recipients (call it in the transaction that raised it)."""
    return outbox_add(
        kind=f"contract_{notice.kind}",
        key=f"contract:{notice.contract_id}:{notice.key}",
        recipients=contract_notice_recipients(notice),
        params={"notice": notice.pk},
    )


@email_kind("contract_threshold")
@email_kind("contract_limit")
def _hour_notice(message: OutboxMessage) -> Email:
    notice = (
        ContractNotification.objects.select_related(
            "contract__customer",
            "contract__customer_contact",
            "contract__support_contact",
            "contract__support_manager",
        )
        .filter(pk=message.params["notice"])
        .first()
    )
    if notice is None:
        raise Skip("The contract notice no longer exists.")
    if message.recipient not in contract_notice_recipients(notice):
        raise Skip("No longer a contact of the contract or a member of a subscribed group.")
    return Email(context={"contract": notice.contract, "notice": notice})
