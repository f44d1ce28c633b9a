"""A real Celery worker on Redis sends the threshold email after time is logged on the page."""

import os
import re
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.contracts.helpers import contract_ticket, hour_contract

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, settings):
    """A `celery -A helpdesk worker` on its own queue, against the test database."""
    from helpdesk.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    broker = os.environ["CELERY_BROKER_URL"]
    old = (app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    app.conf.broker_url = broker
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }
    env.pop("EMAIL_URL", None)
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 (closed below)
    command = [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool=solo"]
    command += ["-Q", queue, "-l", "info", "--without-gossip", "--without-mingle"]
    proc = subprocess.Popen(  # noqa: S603 (fixed command, our own interpreter)
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield mail_dir
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url = old
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def _wait_for_files(directory, count, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(directory.iterdir())
        if len(files) >= count:
            time.sleep(1.0)  # one email too many, if any, would land now
            return sorted(directory.iterdir())
        time.sleep(0.25)
    return sorted(directory.iterdir())


def test_worker_sends_threshold_email_after_time_logged_on_page(
    worker, agent_client, queue, tmp_path
):
    contract = hour_contract(hours=10, threshold=1)
    ticket = contract_ticket(contract, queue=queue)

    response = agent_client.post(
        reverse("tickets:add-time", args=[ticket.number]),
        {"minutes": 75, "note": "Onsite visit"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    people = [contract.customer_contact, contract.support_contact, contract.support_manager]
    files = _wait_for_files(worker, count=len(people))
    log = (tmp_path / "worker.log").read_text()
    assert len(files) == len(people), log  # one email to each, once
    emails = [file.read_text() for file in files]
    for email in emails:
        assert f'Contract "{contract.description}": 1.25 of 10.00 hours used' in email
    assert sorted(re.search(r"^To: (.+)$", e, re.M).group(1) for e in emails) == sorted(
        p.email for p in people
    )
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
