"""One process of the lock-order test (test_lock_order_postgres.py): moves tickets between
contracts and books time on them through the ticket services, as fast as it can.

    python -m tests.contracts.lock_worker START_FILE AGENT_ID SEED ROUNDS TICKET_IDS CONTRACT_IDS

Runs against the database of DATABASE_URL. Prints `ready` once set up, then waits until
START_FILE exists, so every process starts at once. Prints one line per failed operation
(`error <class>: <message>`) and exits 1 if there was any.
"""

import os
import random
import sys
import time
from pathlib import Path


def main(start_file, agent_id, seed, rounds, ticket_ids, contract_ids) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()

    from django.contrib.auth import get_user_model

    from contracts.models import Contract
    from tickets.models import Ticket
    from tickets.services import ticket_add_time, ticket_update

    agent = get_user_model().objects.get(pk=agent_id)
    tickets = {t.pk: t for t in Ticket.objects.filter(pk__in=ticket_ids)}
    contracts = [*Contract.objects.filter(pk__in=contract_ids), None]
    rng = random.Random(seed)
    print("ready", flush=True)
    deadline = time.monotonic() + 60
    while not Path(start_file).exists():
        if time.monotonic() > deadline:
            print("error Timeout: the start file never appeared", flush=True)
            return 1
        time.sleep(0.01)
    failures = 0
    for _ in range(rounds):
        ticket = tickets[rng.choice(ticket_ids)]
        try:
            if rng.random() < 0.5:
                ticket_update(ticket=ticket, by=agent, contract=rng.choice(contracts))
            else:
                ticket_add_time(ticket=ticket, by=agent, minutes=rng.randint(1, 90))
        except Exception as error:  # every failure is reported, the test counts them
            failures += 1
            message = str(error).splitlines()[0] if str(error) else ""
            print(f"error {type(error).__name__}: {message}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    start, agent, seed, rounds, ticket_arg, contract_arg = sys.argv[1:7]
    sys.exit(
        main(
            start,
            int(agent),
            int(seed),
            int(rounds),
            [int(pk) for pk in ticket_arg.split(",")],
            [int(pk) for pk in contract_arg.split(",")],
        )
    )
