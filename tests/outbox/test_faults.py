"""Faults with real servers: Redis unreachable while users write, a worker killed while it
hands a message to the SMTP server, the database connection of a worker cut. Each email
arrives exactly once afterwards.

Runs where Redis (CELERY_BROKER_URL=redis://…) and PostgreSQL (DATABASE_URL=postgres://…)
are available, as in CI; skipped with the reason elsewhere (tests/conftest.py).
"""

import contextlib
import os
import socket
import threading
from collections import Counter
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.db.models import F
from django.urls import reverse

from helpdesk.models import OutboxMessage
from helpdesk.outbox import sweep_outbox
from tests import factories
from tests.outbox.conftest import broker, database_url, free_port, wait_for
from tests.outbox.scenarios import run_writes, world

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
HX = {"HX-Request": "true"}


def _time_passes(minutes=1):
    """The outage lasted a while: what was owed is past the sweeper's grace."""
    OutboxMessage.objects.update(next_attempt_at=F("next_attempt_at") - timedelta(minutes=minutes))


def _all_sent():
    return not OutboxMessage.objects.exclude(status="sent").exists()


def test_redis_down_every_write_succeeds_and_every_email_arrives_once_after(
    start_worker, smtp_server, capsys, caplog
):
    w = world()

    with broker(f"redis://127.0.0.1:{free_port()}/3"):  # nothing listens there
        results = run_writes(w)

    refused = [r for r in caplog.records if r.getMessage().startswith("Outbox: broker unavailable")]
    assert len(refused) == 1  # then the writes leave the broker alone for a while

    assert {status for _, status, _ in results} <= {200, 302}
    slowest = max(seconds for _, _, seconds in results)
    assert slowest < 1.0
    owed = sorted(OutboxMessage.objects.values_list("recipient", "message_id"))
    assert OutboxMessage.objects.filter(status="pending").count() == len(owed) > 0
    assert smtp_server.messages == []

    _time_passes()
    worker = start_worker()
    with broker(os.environ["CELERY_BROKER_URL"]):
        sweep_outbox.delay()  # what beat does every minute
        wait_for(_all_sent, "every owed email to be sent", worker.log)
        sweep_outbox.delay()
        wait_for(lambda: worker.log.read_text().count("sweep_outbox") >= 4, "the second sweep")

    received = Counter(smtp_server.received())
    assert sorted(received) == owed
    assert set(received.values()) == {1}
    kinds = Counter(OutboxMessage.objects.values_list("kind", flat=True))
    with capsys.disabled():
        print(
            f"\nRedis down: {len(results)} requests, all 2xx/3xx, "
            f"slowest {slowest * 1000:.0f} ms; {len(owed)} emails owed ({dict(kinds)}); "
            f"after Redis, a worker and the sweeper: {sum(received.values())} sent, "
            f"{len(received)} distinct, none twice."
        )


def test_worker_killed_while_handing_over_a_message_sends_it_once(
    start_worker, smtp_server, agent, queue, client
):
    ticket = factories.TicketFactory(queue=queue, state="open", title="Printer jammed")
    client.force_login(agent)
    first = start_worker()
    smtp_server.stall_next = True  # the worker's RCPT command waits

    with broker(os.environ["CELERY_BROKER_URL"]):
        response = client.post(
            reverse("tickets:reply", args=[ticket.number]), {"body": "On it."}, headers=HX
        )
        wait_for(smtp_server.stalled.is_set, "the worker to be mid-delivery", first.log)
        first.kill()
        smtp_server.release.set()
        row = OutboxMessage.objects.get()
        assert (row.status, row.attempts, smtp_server.messages) == ("pending", 0, [])

        second = start_worker()
        _time_passes()
        sweep_outbox.delay()
        wait_for(_all_sent, "the sweeper to deliver it", second.log)

    assert response.status_code == 200
    assert smtp_server.received() == [(ticket.customer_user.email, row.message_id)]


class CuttableProxy:
    """A TCP proxy to PostgreSQL in a thread: `cut()` drops every connection and refuses new
    ones (closes them at once), `heal()` lets them through again."""

    def __init__(self, host: str, port: int):
        self.upstream = (host, port)
        self.cut_off = threading.Event()
        self.sockets = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off.is_set():
                client.close()
                continue
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.cut_off.set()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def heal(self):
        self.cut_off.clear()

    def close(self):
        self.listener.close()
        self.cut()


def test_database_cut_inside_a_task_is_retried_and_sends_once(
    start_worker, smtp_server, agent, queue, client
):
    url = urlparse(database_url())
    proxy = CuttableProxy(url.hostname, url.port or 5432)
    proxied = database_url().replace(f"@{url.hostname}:{url.port}", f"@127.0.0.1:{proxy.port}")
    ticket = factories.TicketFactory(queue=queue, state="open", title="Printer jammed")
    client.force_login(agent)
    try:
        worker = start_worker(DATABASE_URL=proxied, CONN_MAX_AGE="0")
        proxy.cut()  # the worker's database is unreachable when the task runs
        with broker(os.environ["CELERY_BROKER_URL"]):
            client.post(
                reverse("tickets:reply", args=[ticket.number]), {"body": "On it."}, headers=HX
            )
            wait_for(
                lambda: "Retry in" in worker.log.read_text(),
                "the task to meet the database error and retry",
                worker.log,
            )
            proxy.heal()
            wait_for(_all_sent, "the retry to deliver it", worker.log)
    finally:
        proxy.close()

    row = OutboxMessage.objects.get()
    assert "OperationalError" in worker.log.read_text()
    assert (row.status, row.attempts) == ("sent", 1)
    assert smtp_server.received() == [(ticket.customer_user.email, row.message_id)]
