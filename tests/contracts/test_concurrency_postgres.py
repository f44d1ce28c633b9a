"""Two (or more) time entries saved at the same moment across the threshold: one email.

The contract row lock in `ticket_add_time` serialises the bookings and the unique
(contract, kind, key) notice row makes the notice exactly-once; this runs real threads with
their own connections against PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from contracts.models import ContractNotification
from tests import factories
from tests.contracts.helpers import contract_ticket, hour_contract, mails_with
from tests.outbox.helpers import recipients
from tickets.models import TimeEntry
from tickets.services import ticket_add_time

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _people(contract):
    people = [contract.customer_contact, contract.support_contact, contract.support_manager]
    return sorted(person.email for person in people)


def _book_concurrently(tickets, minutes, accept_overage=False):
    agent = factories.AgentFactory()
    barrier = threading.Barrier(len(tickets))
    errors = []

    def book(ticket):
        try:
            barrier.wait(timeout=10)
            ticket_add_time(ticket=ticket, by=agent, minutes=minutes, accept_overage=accept_overage)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(t,)) for t in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_two_concurrent_entries_across_threshold_send_one_email(mailoutbox):
    contract = hour_contract(hours=10, threshold=8)
    first, second = contract_ticket(contract), contract_ticket(contract)
    factories.TimeEntryFactory(ticket=first, minutes=7 * 60 + 30)

    errors = _book_concurrently([first, second], minutes=30)

    assert errors == []
    assert TimeEntry.objects.count() == 3
    assert recipients(mails_with(mailoutbox, "hours used")) == _people(contract)  # once each
    assert ContractNotification.objects.filter(kind="threshold").count() == 1


def test_many_concurrent_entries_across_threshold_and_limit_send_one_each(mailoutbox):
    contract = hour_contract(hours=10, threshold=8)
    tickets = [contract_ticket(contract) for _ in range(6)]
    factories.TimeEntryFactory(ticket=tickets[0], minutes=7 * 60 + 30)

    errors = _book_concurrently(tickets, minutes=30, accept_overage=True)

    assert errors == []
    assert TimeEntry.objects.count() == 7
    assert recipients(mails_with(mailoutbox, "hours used")) == _people(contract)
    assert recipients(mails_with(mailoutbox, "hour limit reached")) == _people(contract)
