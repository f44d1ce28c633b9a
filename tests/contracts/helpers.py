"""Arrangement helpers for contract hour tests."""

from tests import factories


def hour_contract(hours=10, threshold=8, **kwargs):
    """A restricted contract with a support manager (all three recipients present)."""
    kwargs.setdefault("support_manager", factories.AgentFactory())
    return factories.ContractFactory(
        has_hour_restriction=True,
        contract_hours=hours,
        hours_notification_threshold=threshold,
        **kwargs,
    )


def contract_ticket(contract, **kwargs):
    return factories.TicketFactory(
        contract=contract,
        customer=contract.customer,
        customer_user=contract.customer_contact,
        **kwargs,
    )


def mails_with(outbox, text):
    return [m for m in outbox if text in m.subject]
