"""A real Celery worker on Redis and the test database sends a due reminder exactly once.

Runs where Redis (CELERY_BROKER_URL=redis://…) and PostgreSQL (DATABASE_URL=postgres://…) are
available, as in CI; skipped with the reason elsewhere (tests/conftest.py).
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from helpdesk.celery import app as celery_app
from tests import factories
from tickets.tasks import send_reminders

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WAIT = 30  # seconds, the most any step may take


def _database_url() -> str:
    """The test database, as a URL the worker's settings read."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


def _wait_for(predicate, what: str, log: Path):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"Waited {WAIT} s for {what}. Worker log:\n{log.read_text()[-4000:]}")


def _task_result(log: Path, task_id: str):
    """The return value the worker logged for the task, once it finished."""
    pattern = rf"Task tickets\.tasks\.send_reminders\[{task_id}\] succeeded in [\d.]+s: (\d+)"
    match = re.search(pattern, log.read_text())
    return match and int(match.group(1))


@pytest.fixture
def worker(tmp_path):
    """A Celery worker subprocess on the broker and the test database; killed at the end."""
    broker = os.environ["CELERY_BROKER_URL"]
    outbox = tmp_path / "mail"
    outbox.mkdir()
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("EMAIL_URL", None)  # it would win over EMAIL_BACKEND
    celery = Path(sys.executable).parent / "celery"
    command = [
        str(celery), "-A", "helpdesk", "worker", "--pool=solo", "-Q", "celery",
        "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"ops-test-{uuid.uuid4().hex[:8]}@%h",
    ]  # fmt: skip

    old = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = broker
    celery_app.control.purge()  # no leftovers from an earlier run
    with log.open("w") as handle:
        process = subprocess.Popen(  # noqa: S603 - our own venv's celery, fixed arguments
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield outbox, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = old


def test_worker_sends_a_due_reminder_exactly_once(worker, queue, agent):
    outbox, log = worker
    ticket = factories.TicketFactory(
        title="Printer on fire",
        state="pending",
        queue=queue,
        owner=agent,
        pending_until=timezone.now() - timedelta(minutes=1),
    )

    first = send_reminders.delay()

    assert _wait_for(lambda: _task_result(log, first.id) is not None, "the first run", log)
    assert _task_result(log, first.id) == 1
    # The marker commits with the outbox row; the email follows in its own delivery task,
    # which the worker runs after this one (on a busy machine, a moment later).
    _wait_for(
        lambda: (ticket.refresh_from_db(), ticket.reminder_notified_for)[1],
        "the reminder marker",
        log,
    )
    assert ticket.reminder_notified_for == ticket.pending_until
    _wait_for(
        lambda: re.search(
            r"Task helpdesk\.tasks\.deliver_outbox_key\[[^\]]+\] succeeded", log.read_text()
        ),
        "the reminder's delivery",
        log,
    )
    emails = list(outbox.iterdir())
    assert len(emails) == 1
    text = emails[0].read_text()
    assert f"To: {agent.email}" in text
    assert f"Subject: [Ticket#{ticket.number}] Reminder: Printer on fire" in text

    second = send_reminders.delay()

    _wait_for(lambda: _task_result(log, second.id) is not None, "the second run", log)
    assert _task_result(log, second.id) == 0
    time.sleep(1)  # anything queued by mistake would have been handled by now
    assert len(list(outbox.iterdir())) == 1
    # one delivery task, received and done
    assert log.read_text().count("Task helpdesk.tasks.deliver_outbox_key[") == 2
