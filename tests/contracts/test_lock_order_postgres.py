"""Lock order: sixteen processes move tickets between contracts while booking time on them.

Every path that changes a contract's stored `minutes_used` locks the ticket, then the contracts
in primary key order. Run against PostgreSQL with real processes (each its own connection): no
deadlock, no other error, and every contract's stored minutes equal the rule summed again.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from contracts.models import Contract
from tests import factories
from tests.processes import database_url
from tickets.models import TimeEntry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PROCESSES = 16
ROUNDS = 40


def test_concurrent_moves_and_bookings_never_deadlock_and_keep_the_hours(tmp_path):
    customer = factories.CustomerFactory()
    contact = factories.CustomerUserFactory(customer=customer)
    # Alike in everything the model's default ordering sorts by: only the key orders them.
    contracts = [
        factories.ContractFactory(
            customer=customer,
            customer_contact=contact,
            start_date="2025-01-01",
            description="Support",
        )
        for _ in range(2)
    ]
    agent = factories.AgentFactory()
    tickets = [
        factories.TicketFactory(
            customer=customer, customer_user=contact, contract=contracts[i % len(contracts)]
        )
        for i in range(16)
    ]
    connection.close()  # the processes' connections are the only ones while they run
    start = tmp_path / "start"
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1"}
    env.pop("CELERY_BROKER_URL", None)  # no contract notice is due; nothing may reach a broker
    args = [
        str(start),
        str(agent.pk),
        "",
        str(ROUNDS),
        ",".join(str(t.pk) for t in tickets),
        ",".join(str(c.pk) for c in contracts),
    ]
    processes = []
    for seed in range(PROCESSES):
        args[2] = str(seed)
        processes.append(
            subprocess.Popen(  # noqa: S603 (our own interpreter and module, fixed arguments)
                [sys.executable, "-m", "tests.contracts.lock_worker", *args],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    assert [process.stdout.readline() for process in processes] == ["ready\n"] * PROCESSES
    start.touch()
    outputs = [process.communicate(timeout=240)[0] for process in processes]

    errors = [line for output in outputs for line in output.splitlines() if "error" in line]
    assert errors == []
    assert [process.returncode for process in processes] == [0] * PROCESSES
    assert TimeEntry.objects.count() > 0
    stored = {
        c.pk: (c.minutes_used, c.minutes_recounted)
        for c in Contract.objects.with_minutes_recounted()
    }
    assert {pk: used for pk, (used, _) in stored.items()} == {
        pk: recounted for pk, (_, recounted) in stored.items()
    }
