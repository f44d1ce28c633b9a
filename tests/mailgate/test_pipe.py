"""`manage.py ingest_email`, the MTA pipe: its exit status tells the MTA what to do with the
mail (DESIGN §10): 0 taken or dropped on purpose, 65 unreadable, 75 try again later."""

import io
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from mailgate.models import InboundMessage
from tests import factories
from tests.mailgate.conftest import email_bytes
from tests.mailgate.helpers import read_only_database
from tests.processes import command_env
from tickets.models import Article

pytestmark = pytest.mark.django_db


def _ingest(tmp_path, raw: bytes, *args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of the command on a file holding `raw`."""
    path = tmp_path / "message.eml"
    path.write_bytes(raw)
    return _run(str(path), *args)


def _run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest_email", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_a_good_message_is_taken_into_the_named_queue(tmp_path):
    queue = factories.QueueFactory(name="Hardware Desk")

    status, out, _ = _ingest(tmp_path, email_bytes(), "--queue", "Hardware Desk")

    message = InboundMessage.objects.get()
    assert (status, message.outcome, message.ticket.queue) == (0, "new_ticket", queue)
    assert out == f"new_ticket {message.ticket.number}\n"


def test_standard_input_is_read_as_bytes(tmp_path, monkeypatch):
    raw = email_bytes(subject="Grüße aus Köln", body="Der Drucker brennt.\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))

    status, _, _ = _run("-")

    assert (status, InboundMessage.objects.get().subject) == (0, "Grüße aus Köln")


def test_the_same_message_piped_twice_is_taken_once_and_exits_0_both_times(tmp_path):
    raw = email_bytes(message_id="<retry@example.org>")

    first = _ingest(tmp_path, raw)
    second = _ingest(tmp_path, raw)

    assert (first[0], second[0]) == (0, 0)
    assert first[1] == second[1]  # the outcome of the first take, and its ticket
    assert (InboundMessage.objects.count(), Article.objects.count()) == (1, 1)


def test_automatic_mail_is_kept_without_a_reply_and_exits_0(tmp_path):
    raw = email_bytes(subject="Out of office", headers={"Auto-Submitted": "auto-replied"})

    status, out, _ = _ingest(tmp_path, raw)

    message = InboundMessage.objects.get()
    assert (status, message.outcome) == (0, "loop")
    assert out.split()[0] == "loop"


def test_empty_input_exits_65(tmp_path):
    status, _, err = _ingest(tmp_path, b"")

    assert (status, InboundMessage.objects.count()) == (65, 0)
    assert "Empty input" in err


def test_something_that_is_not_an_email_exits_65(tmp_path):
    status, _, err = _ingest(tmp_path, b"\x00\x01\x02 not a message at all \xff\xfe")

    assert (status, InboundMessage.objects.count()) == (65, 0)
    assert err.startswith("Unreadable message:")


def test_a_file_that_cannot_be_read_exits_65(tmp_path):
    status, _, err = _run(str(tmp_path / "missing.eml"))

    assert status == 65
    assert err.startswith(f"Cannot read {tmp_path / 'missing.eml'}:")


def test_an_unknown_queue_exits_75_so_the_mta_keeps_the_mail(tmp_path):
    factories.QueueFactory(name="Hardware Desk")

    status, _, err = _ingest(tmp_path, email_bytes(), "--queue", "Hardwre Desk")

    assert (status, InboundMessage.objects.count()) == (75, 0)
    assert err == "No active queue named 'Hardwre Desk': fix --queue.\n"


def test_an_inactive_queue_exits_75(tmp_path):
    factories.QueueFactory(name="Old Desk", is_active=False)

    status, _, _ = _ingest(tmp_path, email_bytes(), "--queue", "Old Desk")

    assert (status, InboundMessage.objects.count()) == (75, 0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_that_refuses_the_write_exits_75(tmp_path):
    with read_only_database():
        status, _, err = _ingest(tmp_path, email_bytes())

    assert (status, InboundMessage.objects.count()) == (75, 0)
    assert err.startswith("Database unavailable, try again later:")


# --- as the MTA runs it: a process of its own, the message on standard input ---------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("raw", "args", "status"),
    [
        (email_bytes(subject="From the MTA"), ["--queue", "Hardware Desk"], 0),
        (b"", ["--queue", "Hardware Desk"], 65),
        (email_bytes(), ["--queue", "No Such Queue"], 75),
    ],
    ids=["taken", "empty", "unknown-queue"],
)
def test_the_pipe_process_exits_with_the_status_the_mta_reads(tmp_path, raw, args, status):
    factories.QueueFactory(name="Hardware Desk")
    env = command_env(tmp_path / "media")

    done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py, fixed arguments)
        [sys.executable, "manage.py", "ingest_email", "-", *args],
        cwd=settings.BASE_DIR,
        env=env,
        input=raw,
        capture_output=True,
        timeout=120,
    )

    assert done.returncode == status, done.stderr.decode()
    if status == 0:
        message = InboundMessage.objects.get()
        assert done.stdout.decode() == f"new_ticket {message.ticket.number}\n"
    else:
        assert InboundMessage.objects.count() == 0
