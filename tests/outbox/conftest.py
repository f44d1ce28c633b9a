"""Real servers for the outbox tests: an SMTP server (aiosmtpd) that can refuse or stall,
Celery workers on Redis against the test database, and the broker switch of this process."""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from kombu import pools

from helpdesk import outbox
from helpdesk.celery import app as celery_app

WAIT = 60  # seconds, the most any step of a fault test may take


def free_port() -> int:
    """A port nothing listens on (connecting to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, what: str, log: Path | None = None, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    detail = f" Worker log:\n{log.read_text()[-4000:]}" if log and log.exists() else ""
    pytest.fail(f"Waited {timeout} s for {what}.{detail}")


# --- SMTP -------------------------------------------------------------------------------------


class SmtpRecorder:
    """The handler of a real SMTP server on 127.0.0.1: keeps every accepted message.

    `refuse = n`: the next n recipients are answered with `refusal` (451: try again later).
    `stall_next = True`: the next RCPT command waits until `release` is set; `stalled` is set
    while the client waits (the sender is in the middle of handing over the message).
    """

    def __init__(self):
        self.messages = []
        self.refuse = 0
        self.refusal = "451 4.3.0 Mailbox busy, try again later"
        self.refused = 0
        self.stall_next = False
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall_next:
            self.stall_next = False
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        if self.refuse > 0:
            self.refuse -= 1
            self.refused += 1
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[str, str]]:
        """(recipient, Message-ID) of every accepted message, in arrival order."""
        return [(rcpt, m["Message-ID"]) for rcpts, m in self.messages for rcpt in rcpts]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free port; this process's mail goes to it over SMTP."""
    handler = SmtpRecorder()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", handler.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 20
    try:
        yield handler
    finally:
        handler.release.set()
        controller.stop()


# --- Celery -----------------------------------------------------------------------------------


@contextlib.contextmanager
def broker(url: str):
    """This process publishes tasks to `url` instead of running them in-process."""
    conf = celery_app.conf
    old = conf.task_always_eager, conf.get("broker_write_url"), conf.get("broker_read_url")
    conf.task_always_eager = False
    # Not `broker_url`: Celery reads that from CELERY_BROKER_URL in the environment first.
    conf.broker_write_url = conf.broker_read_url = url
    _forget_connections()
    try:
        publishes_to = urlparse(celery_app.connection_for_write().as_uri())
        assert (publishes_to.hostname, publishes_to.port) == (
            urlparse(url).hostname,
            urlparse(url).port,
        )
        yield
    finally:
        conf.task_always_eager, conf.broker_write_url, conf.broker_read_url = old
        _forget_connections()


def _forget_connections():
    # The app keeps its broker connections in pools made for the URL of their time; a new
    # URL needs new pools (Celery does the same after a fork), and a broker found down a
    # moment ago is another broker now.
    if celery_app._pool is not None:
        celery_app.pool.force_close_all()
    pools.reset()
    celery_app._after_fork()
    outbox._BrokerPause.until = 0.0


def database_url() -> str:
    """The test database, as a URL a worker's settings read."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


class Worker:
    """`celery -A helpdesk worker` on `queue` in a subprocess (its own process group)."""

    def __init__(self, log: Path, env: dict, queue: str):
        self.log = log
        celery = Path(sys.executable).parent / "celery"
        command = [
            str(celery), "-A", "helpdesk", "worker", "--pool=solo", "-Q", queue,
            "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"outbox-test-{uuid.uuid4().hex[:8]}@%h",
        ]  # fmt: skip
        with log.open("a") as handle:
            self.process = subprocess.Popen(  # noqa: S603 - our own venv's celery, fixed arguments
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: "ready." in log.read_text(), "the worker to start", log)

    def kill(self):
        """SIGKILL: the worker dies wherever it is, like an out-of-memory kill."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def start_worker(tmp_path, smtp_server):
    """`start_worker(**env)`: a worker on CELERY_BROKER_URL and the test database, sending
    its mail to `smtp_server`; every worker started is stopped at the end."""
    workers = []
    broker_url = os.environ["CELERY_BROKER_URL"]
    # A queue of this test's own: no task of another test (or another checkout sharing the
    # Redis database) reaches its workers, and none of theirs reaches others.
    queue = f"outbox-test-{uuid.uuid4().hex[:8]}"
    old_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    log = tmp_path / "worker.log"

    def start(**extra) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_server.port),
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
        env.pop("EMAIL_URL", None)  # it would win over EMAIL_BACKEND
        worker = Worker(log, env, queue)
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()
        with broker(broker_url), celery_app.connection_for_write() as conn:
            # Nothing of this test may outlive it, e.g. a killed worker's unacknowledged task
            # that Redis would hand out again an hour later.
            conn.default_channel.queue_delete(queue)
            conn.default_channel.client.delete(
                "unacked",
                "unacked_index",
                f"_kombu.binding.{queue}",
                f"_kombu.binding_permanent.{queue}",
            )
        celery_app.conf.task_default_queue = old_queue
