"""`fetch_mail` against a real Dovecot: messages are taken once, and marked seen (or deleted)
on the server only after they were taken."""

import io
import socket
import subprocess
import sys
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from mailgate.fetch import LOCK_NAMESPACE, account_fetch
from mailgate.models import InboundMessage, MailAccount
from mailgate.tasks import fetch_mail
from tests import factories
from tests.mailgate.conftest import email_bytes, free_port
from tests.mailgate.helpers import read_only_database
from tests.processes import command_env
from tickets.models import Article

pytestmark = [pytest.mark.imap, pytest.mark.django_db]


def _fetch(*args) -> str:
    out = io.StringIO()
    call_command("fetch_mail", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_fetch_takes_every_unseen_message_and_marks_it_seen(mailbox):
    queue = factories.QueueFactory()
    account = mailbox.account(name="support", queue=queue)
    mailbox.append(email_bytes(subject="Printer on fire"))
    mailbox.append(email_bytes(subject="Mouse missing"))

    output = _fetch()

    taken = InboundMessage.objects.order_by("subject")
    assert [(m.subject, m.outcome, m.account_id) for m in taken] == [
        ("Mouse missing", "new_ticket", account.pk),
        ("Printer on fire", "new_ticket", account.pk),
    ]
    assert all(m.ticket.queue_id == queue.pk for m in taken)
    assert ["\\Seen" in flags for flags in mailbox.flags()] == [True, True]
    assert output == "support: 2 taken, 0 failed\n"
    account.refresh_from_db()
    assert (account.last_error, account.last_fetch_at is not None) == ("", True)


def test_a_second_run_finds_nothing_new(mailbox):
    mailbox.account(name="support")
    mailbox.append(email_bytes())
    _fetch()

    output = _fetch()

    assert InboundMessage.objects.count() == 1
    assert output == "support: 0 taken, 0 failed\n"


def test_the_same_message_delivered_twice_is_taken_once(mailbox):
    mailbox.account()
    raw = email_bytes(message_id="<twice@example.org>")
    mailbox.append(raw)
    _fetch()
    mailbox.append(raw)

    _fetch()

    assert InboundMessage.objects.filter(message_id__contains="twice@example.org").count() == 1
    assert Article.objects.count() == 1
    assert ["\\Seen" in flags for flags in mailbox.flags()] == [True, True]


def test_messages_seen_already_are_left_alone(mailbox):
    mailbox.account()
    mailbox.append(email_bytes())
    _fetch()  # now seen, like one a person read in their mail client
    mailbox.append(email_bytes(subject="New one"))

    _fetch()

    assert list(InboundMessage.objects.values_list("subject", flat=True).order_by("id")) == [
        "Printer on fire",
        "New one",
    ]


def test_delete_after_import_removes_the_message_from_the_server(mailbox):
    mailbox.account(delete_after_import=True)
    mailbox.append(email_bytes())
    mailbox.append(email_bytes(subject="Second"))

    _fetch()

    assert InboundMessage.objects.count() == 2
    assert mailbox.count() == 0


def test_an_unreadable_message_is_left_seen_and_flagged_and_never_deleted(mailbox):
    account = mailbox.account(name="support", delete_after_import=True)
    mailbox.append(b"this is not an email at all\r\n")
    mailbox.append(email_bytes())
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 mail account"):
        call_command("fetch_mail", stdout=out, stderr=err)

    assert out.getvalue() == "support: 1 taken, 0 failed, 1 unreadable (left seen and flagged)\n"
    assert InboundMessage.objects.count() == 1
    assert [{"\\Seen", "\\Flagged"} <= flags for flags in mailbox.flags()] == [True]
    account.refresh_from_db()
    assert account.last_error.startswith("1 unreadable message(s) left seen and flagged: ")
    assert _fetch() == "support: 0 taken, 0 failed\n"  # not retried


def test_a_refused_login_is_recorded_and_the_other_accounts_are_still_fetched(mailbox, dovecot):
    broken = factories.MailAccountFactory(
        name="broken", port=dovecot.port, username=mailbox.username, password="wrong"
    )
    mailbox.account(name="working")
    mailbox.append(email_bytes())
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 of 2 mail account"):
        call_command("fetch_mail", stdout=out, stderr=err)

    broken.refresh_from_db()
    assert broken.last_error == (
        f"Login refused for {mailbox.username}: [AUTHENTICATIONFAILED] Authentication failed."
    )
    assert broken.last_fetch_at is not None
    assert out.getvalue() == "working: 1 taken, 0 failed\n"
    assert err.getvalue().startswith("broken: Login refused")
    assert InboundMessage.objects.count() == 1


def test_a_closed_port_is_recorded_as_the_error():
    account = factories.MailAccountFactory(name="nowhere", port=free_port())

    counts = account_fetch(account)

    account.refresh_from_db()
    assert counts == Counter(error=1)
    assert account.last_error.startswith(f"Cannot connect to 127.0.0.1:{account.port}:")
    assert "refused" in account.last_error.lower()


def test_a_server_that_never_answers_costs_its_timeout_and_not_the_run(mailbox, settings):
    settings.HELPDESK_IMAP_TIMEOUT = 1
    with socket.socket() as silent:  # accepts connections (the kernel does), never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        hung = factories.MailAccountFactory(name="hung", port=silent.getsockname()[1])
        mailbox.account(name="working")
        mailbox.append(email_bytes())

        with pytest.raises(CommandError, match="1 of 2 mail account"):
            call_command("fetch_mail", stdout=io.StringIO(), stderr=io.StringIO())

    hung.refresh_from_db()
    assert hung.last_error == f"Cannot connect to 127.0.0.1:{hung.port}: timed out"
    assert InboundMessage.objects.count() == 1


def test_a_missing_folder_is_recorded_as_the_error(mailbox):
    account = mailbox.account(folder="Nope")

    account_fetch(account)

    account.refresh_from_db()
    assert account.last_error.startswith("Cannot open folder 'Nope':")


def test_success_clears_the_last_error(mailbox):
    account = mailbox.account()
    MailAccount.objects.filter(pk=account.pk).update(last_error="Login refused earlier")

    account_fetch(account)

    account.refresh_from_db()
    assert account.last_error == ""


def test_inactive_accounts_are_skipped_unless_named(mailbox):
    mailbox.account(name="paused", is_active=False)
    mailbox.append(email_bytes())

    assert _fetch() == "No active mail accounts.\n"
    assert _fetch("--account", "paused") == "paused: 1 taken, 0 failed\n"


def test_an_unknown_account_name_is_a_clear_error():
    factories.MailAccountFactory(name="support")

    with pytest.raises(CommandError, match=r"No mail account named 'sales' \(accounts: support\)"):
        _fetch("--account", "sales")


def test_the_beat_task_fetches_like_the_command(mailbox):
    mailbox.account(name="support")
    mailbox.append(email_bytes())

    result = fetch_mail.delay().get()

    assert result == {"support": {"taken": 1}}
    assert InboundMessage.objects.count() == 1


def test_a_message_fetched_and_also_piped_gives_one_article(mailbox, tmp_path):
    queue = factories.QueueFactory()
    mailbox.account(queue=queue)
    raw = email_bytes(message_id="<both-ways@example.org>")
    mailbox.append(raw)
    (tmp_path / "message.eml").write_bytes(raw)
    _fetch()

    call_command(
        "ingest_email", str(tmp_path / "message.eml"), "--queue", queue.name, stdout=io.StringIO()
    )

    assert InboundMessage.objects.count() == 1
    assert Article.objects.count() == 1


# --- TLS ----------------------------------------------------------------------------------------


@pytest.fixture
def trusted_certificate(dovecot, monkeypatch):
    if dovecot.cert is None:
        pytest.skip("openssl is not installed: no certificate for Dovecot's TLS")
    # The system trust store, as an operator would extend it for an internal CA.
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.cert))


def test_ssl_account_is_fetched_over_a_verified_connection(mailbox, dovecot, trusted_certificate):
    mailbox.account(name="tls", security="ssl", port=dovecot.ssl_port)
    mailbox.append(email_bytes())

    assert _fetch() == "tls: 1 taken, 0 failed\n"


def test_starttls_account_is_fetched(mailbox, dovecot, trusted_certificate):
    mailbox.account(name="starttls", security="starttls", port=dovecot.port)
    mailbox.append(email_bytes())

    assert _fetch() == "starttls: 1 taken, 0 failed\n"


def test_an_untrusted_certificate_is_refused(mailbox, dovecot, monkeypatch):
    if dovecot.cert is None:
        pytest.skip("openssl is not installed: no certificate for Dovecot's TLS")
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent")  # trusts nothing
    account = mailbox.account(security="ssl", port=dovecot.ssl_port)
    mailbox.append(email_bytes())

    account_fetch(account)

    account.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in account.last_error
    assert InboundMessage.objects.count() == 0
    assert ["\\Seen" in flags for flags in mailbox.flags()] == [False]


# --- failures while taking ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_message_the_database_refuses_stays_unseen_and_is_taken_next_time(mailbox):
    account = mailbox.account()
    mailbox.append(email_bytes(subject="Kept for later"))

    with read_only_database():
        counts = account_fetch(account)

    assert counts == Counter(failed=1)
    assert InboundMessage.objects.count() == 0
    assert ["\\Seen" in flags for flags in mailbox.flags()] == [False]

    assert account_fetch(account) == Counter(taken=1)
    assert list(InboundMessage.objects.values_list("subject", flat=True)) == ["Kept for later"]
    assert ["\\Seen" in flags for flags in mailbox.flags()] == [True]


# --- two fetchers at once (PostgreSQL: real processes, each its own connection) ---------------


def _fetchers(tmp_path, *argument_lists) -> list[subprocess.CompletedProcess]:
    """`manage.py fetch_mail` once per argument list, all started at the same moment."""
    connection.close()  # the processes' connections are the only ones while they run
    env = command_env(tmp_path / "media")
    processes = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py, fixed arguments)
            [sys.executable, "manage.py", "fetch_mail", *arguments],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for arguments in argument_lists
    ]
    return [
        subprocess.CompletedProcess(p.args, p.wait(timeout=240), *p.communicate(timeout=240))
        for p in processes
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_fetchers_of_one_account_take_each_message_once(mailbox, tmp_path):
    mailbox.account(name="support")
    for number in range(20):
        mailbox.append(email_bytes(subject=f"Message {number}"))

    done = _fetchers(tmp_path, [], [])

    assert [d.returncode for d in done] == [0, 0], [d.stderr for d in done]
    assert (InboundMessage.objects.count(), Article.objects.count()) == (20, 20)
    assert all("\\Seen" in flags for flags in mailbox.flags())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_accounts_on_one_mailbox_racing_take_each_message_once(mailbox, tmp_path):
    # Two accounts are two locks: both processes really read the same messages at once, and
    # only the unique Message-ID keeps it exactly-once.
    mailbox.account(name="first")
    mailbox.account(name="second")
    for number in range(20):
        mailbox.append(email_bytes(subject=f"Message {number}"))

    done = _fetchers(tmp_path, ["--account", "first"], ["--account", "second"])

    assert [d.returncode for d in done] == [0, 0], [d.stderr for d in done]
    assert (InboundMessage.objects.count(), Article.objects.count()) == (20, 20)
    assert all("\\Seen" in flags for flags in mailbox.flags())


@pytest.mark.postgres
def test_an_account_another_fetcher_is_reading_is_skipped(mailbox):
    account = mailbox.account(name="support")
    mailbox.append(email_bytes())
    other = connections.create_connection("default")  # another fetcher's session
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, account.pk])

        output = _fetch()
    finally:
        other.close()  # a closed session holds no lock

    assert output == "support: skipped, another fetch is reading it\n"
    assert InboundMessage.objects.count() == 0
    assert ["\\Seen" in flags for flags in mailbox.flags()] == [False]
    assert _fetch() == "support: 1 taken, 0 failed\n"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("japanese_iso2022jp.eml", "プリンターが印刷できません"),
        ("japanese_shift_jis.eml", "ログインできません"),
        ("raw_utf8_headers.eml", "Überweisung fehlgeschlagen – bitte prüfen"),
    ],
)
def test_the_message_is_taken_byte_for_byte_as_the_server_holds_it(mailbox, name, title):
    raw = (settings.BASE_DIR / "tests" / "mail" / name).read_bytes()
    mailbox.account()
    mailbox.append(raw)

    _fetch()

    message = InboundMessage.objects.get()
    assert message.ticket.title == title
    with message.raw.open("rb") as kept:
        assert kept.read() == raw


def test_a_message_without_message_id_fetched_twice_is_taken_once(mailbox):
    # Its identity is a digest of the raw bytes: they must not change between fetches.
    raw = (settings.BASE_DIR / "tests" / "mail" / "no_message_id.eml").read_bytes()
    mailbox.account()
    mailbox.append(raw)
    _fetch()
    mailbox.append(raw)

    _fetch()

    assert InboundMessage.objects.get().message_id.startswith("sha256:")
