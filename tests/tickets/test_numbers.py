"""Ticket numbers: unique, human-readable (YYYYMMDD + daily counter), safe under concurrency."""

import threading
from datetime import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tests import factories
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_number_next


@pytest.mark.django_db
def test_ticket_number_is_the_day_and_a_daily_counter():
    day = timezone.make_aware(datetime(2026, 11, 23, 10, 0))

    first = ticket_number_next(day)
    second = ticket_number_next(day)
    next_day = ticket_number_next(day.replace(day=24))

    assert (first, second, next_day) == ("2026112300000001", "2026112300000002", "2026112400000001")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_ticket_creation_gets_unique_numbers():
    queue = factories.QueueFactory()
    customer_user = factories.CustomerUserFactory()
    threads, errors = 8, []
    barrier = threading.Barrier(threads)

    def create(i):
        try:
            barrier.wait(timeout=10)
            ticket_create(title=f"T{i}", body="b", queue=queue, customer_user=customer_user)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=create, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert errors == []
    assert len(numbers) == threads
    assert len(set(numbers)) == threads
