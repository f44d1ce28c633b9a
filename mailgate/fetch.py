"""Reading the mail accounts over IMAP (DESIGN §10): `fetch_mail` and its beat task.

A message is marked seen (or deleted) on the server only after the intake took it, so
whatever goes wrong in between (database down, a crash, a lost connection) leaves it unseen and
the next run takes it again; the unique Message-ID makes that second take a no-op.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from zlib import crc32

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError, MailboxFolderSelectError, MailboxLoginError

from .models import MailAccount
from .services import Intake, UnreadableMessage

logger = logging.getLogger(__name__)

# Seconds for the connection and every command after it: a hung server costs one account
# this long, never the run. A setting so that tests need not wait half a minute.
TIMEOUT = 30
# At most this many messages per account and run: one huge mailbox cannot hold up the other
# accounts, and beat's next run (a minute later) goes on where this one stopped.
BATCH = 200
# First key of the PostgreSQL advisory lock (the second is the account's id).
LOCK_NAMESPACE = crc32(b"mailgate.fetch") & 0x7FFFFFFF


class FetchError(Exception):
    """The account could not be read; the message says why, for an admin."""


def mailbox_open(account: MailAccount):
    """A logged-in `imap_tools` mailbox with the account's folder selected."""
    timeout = getattr(settings, "HELPDESK_IMAP_TIMEOUT", TIMEOUT)
    try:
        # Verified TLS: imaplib's own default context checks no certificate at all.
        context = ssl.create_default_context()
        if account.security == MailAccount.Security.SSL:
            mailbox = MailBox(account.host, account.port, timeout=timeout, ssl_context=context)
        elif account.security == MailAccount.Security.STARTTLS:
            mailbox = MailBoxStartTls(
                account.host, account.port, timeout=timeout, ssl_context=context
            )
        else:
            mailbox = MailBoxUnencrypted(account.host, account.port, timeout=timeout)
    except (OSError, imaplib.IMAP4.error, ImapToolsError, ValueError) as exc:
        raise FetchError(f"Cannot connect to {account.host}:{account.port}: {exc}") from exc
    try:
        mailbox.login(account.username, account.password, initial_folder=None)
    except MailboxLoginError as exc:
        _logout(mailbox)
        raise FetchError(f"Login refused for {account.username}: {_server_text(exc)}") from exc
    except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
        _logout(mailbox)
        raise FetchError(f"Login failed: {exc}") from exc
    try:
        mailbox.folder.set(account.folder)
    except MailboxFolderSelectError as exc:
        _logout(mailbox)
        raise FetchError(f"Cannot open folder {account.folder!r}: {_server_text(exc)}") from exc
    except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
        _logout(mailbox)
        raise FetchError(f"Cannot open folder {account.folder!r}: {exc}") from exc
    return mailbox


def account_check(account: MailAccount) -> str:
    """Connect, log in and open the folder, nothing else; '' when that worked, else why not."""
    try:
        mailbox = mailbox_open(account)
    except FetchError as exc:
        return str(exc)
    _logout(mailbox)
    return ""


def account_fetch(account: MailAccount) -> Counter:
    """Take the account's unseen messages. Returns how many were `taken`, `failed` (left on
    the server for the next run) or `unreadable` (left seen and flagged); `error` 1 when the
    account could not be read, `busy` 1 when another fetcher is reading it (nothing else was
    done). Records `last_fetch_at` and `last_error` on the account; never raises for the
    server."""
    counts = Counter()
    error = ""
    with _account_lock(account) as locked:
        if not locked:
            counts["busy"] = 1  # another fetcher is on this account right now
            return counts
        try:
            mailbox = mailbox_open(account)
        except FetchError as exc:
            error = str(exc)
            counts["error"] = 1
        else:
            try:
                first = _messages_take(mailbox, account, counts)
            except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
                error = f"Connection to {account.host}:{account.port} lost: {exc}"
                counts["error"] = 1
            else:
                error = _problems(counts, first)
            finally:
                _logout(mailbox)
    if error:
        logger.warning("Mail account %s: %s", account.name, error)
    account.last_fetch_at, account.last_error = timezone.now(), error
    try:
        MailAccount.objects.filter(pk=account.pk).update(
            last_fetch_at=account.last_fetch_at, last_error=account.last_error
        )
    except DatabaseError:
        logger.exception("Mail account %s: could not record the fetch", account.name)
        _connection_reset()
    return counts


def accounts_fetch(name: str | None = None) -> dict[MailAccount, Counter]:
    """Fetch every active account, or only the one named (active or not: an operator asked).
    Raises `MailAccount.DoesNotExist` for an unknown name."""
    if name is not None:
        accounts = [MailAccount.objects.get(name=name)]
    else:
        accounts = list(MailAccount.objects.filter(is_active=True))
    return {account: account_fetch(account) for account in accounts}


def _messages_take(mailbox, account: MailAccount, counts: Counter) -> dict[str, str]:
    """Ingest up to `BATCH` unseen messages; the first text of each kind of problem."""
    first: dict[str, str] = {}
    intake = Intake(account=account)
    # No CHARSET: some servers refuse one, and these criteria are plain ASCII.
    for uid in mailbox.uids("UNSEEN UNDELETED", charset=None)[:BATCH]:
        raw = _raw_fetch(mailbox, uid)
        if raw is None:
            continue  # gone meanwhile (another client expunged it)
        try:
            intake.take(raw)
        except UnreadableMessage as exc:
            # Never readable, so not retried every minute: seen and flagged for a person to
            # look at in a mail client, and never deleted.
            logger.warning("Mail account %s: message UID %s unreadable: %s", account.name, uid, exc)
            counts["unreadable"] += 1
            first.setdefault("unreadable", str(exc))
            _store(mailbox, uid, r"(\Seen \Flagged)")
            continue
        except Exception as exc:  # any other failure leaves the message for next time
            logger.exception("Mail account %s: message UID %s not taken", account.name, uid)
            counts["failed"] += 1
            first.setdefault("failed", f"{type(exc).__name__}: {exc}")
            if isinstance(exc, DatabaseError):
                _connection_reset()
            continue
        counts["taken"] += 1
        if account.delete_after_import:
            _store(mailbox, uid, r"(\Seen \Deleted)")
        else:
            _store(mailbox, uid, r"(\Seen)")
    if account.delete_after_import:
        # Also removes what an earlier run flagged but lost the connection before expunging.
        mailbox.client.expunge()
    return first


def _problems(counts: Counter, first: dict[str, str]) -> str:
    texts = []
    if counts["failed"]:
        texts.append(
            f"{counts['failed']} message(s) left on the server for the next fetch: "
            f"{first['failed']}"
        )
    if counts["unreadable"]:
        texts.append(
            f"{counts['unreadable']} unreadable message(s) left seen and flagged: "
            f"{first['unreadable']}"
        )
    return "; ".join(texts)


def _raw_fetch(mailbox, uid: str) -> bytes | None:
    """The message exactly as the server holds it (BODY.PEEK: fetching does not mark it seen)."""
    status, data = mailbox.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid}: {data!r}")
    for item in data:
        if isinstance(item, tuple):
            return item[1]
    return None


def _store(mailbox, uid: str, flags: str) -> None:
    # A plain STORE: imap_tools' flag() also expunges, which is not ours to do here.
    status, data = mailbox.client.uid("STORE", uid, "+FLAGS", flags)
    if status != "OK":
        raise imaplib.IMAP4.error(f"STORE {uid}: {data!r}")


@contextmanager
def _account_lock(account: MailAccount) -> Iterator[bool]:
    """On PostgreSQL a session advisory lock per account: a second fetcher of the same account
    skips it instead of reading the same messages. It is not held in a transaction, so every
    ingest commits on its own before its message is marked seen. SQLite has no such lock; the
    unique Message-ID keeps two fetchers exactly-once there too."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, account.pk])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, account.pk]
                    )
            except DatabaseError:
                _connection_reset()  # a closed session holds no lock


def _connection_reset() -> None:
    # After a database error the connection may be dead: drop it, so the next message (or run
    # of a long-lived worker) opens a fresh one. Never inside a transaction (tests, callers').
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _server_text(exc: Exception) -> str:
    """The server's own words from an imap_tools error (`Data: [b'...']`), else the error."""
    lines = getattr(exc, "command_result", None)
    if lines and len(lines) > 1 and lines[1]:
        return " ".join(
            part.decode(errors="replace") if isinstance(part, bytes) else str(part)
            for part in lines[1]
        )
    return str(exc)


def _logout(mailbox) -> None:
    # A connection that is gone already has nothing to close politely.
    with suppress(OSError, imaplib.IMAP4.error, ImapToolsError):
        mailbox.logout()
