"""`manage.py ingest_email PATH|- [--queue NAME]`: one message from an MTA pipe or a file.

Exit statuses are the MTA's (sysexits.h, DESIGN §10): 0 taken or deliberately dropped
(duplicates, loops, rejected senders included), 65 (EX_DATAERR) the message is unreadable,
75 (EX_TEMPFAIL) try again later. An unknown or inactive `--queue` also exits 75: retrying
cannot fix it, but the MTA then keeps the mail queued (and warns the sender after a while)
until an admin fixes the alias or the queue, instead of bouncing it or dropping it for good.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from mailgate.services import UnreadableMessage, message_ingest
from tickets.models import Queue

EX_OK, EX_DATAERR, EX_TEMPFAIL = 0, 65, 75


class Command(BaseCommand):
    help = (
        "Take one raw email (RFC 5322) from PATH, or from standard input with '-', for an MTA "
        "pipe. Exit status: 0 taken or deliberately dropped (duplicate, automatic mail, "
        "rejected sender), 65 unreadable message (empty or not an email, or PATH unreadable), "
        "75 temporary failure: the database is unreachable, something unexpected failed, or "
        "the --queue name is unknown (so the MTA keeps the mail until the name is fixed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The message file, or - for stdin.")
        parser.add_argument(
            "--queue",
            metavar="NAME",
            help="Where new tickets land unless an address names a queue (default: the "
            "default queue).",
        )

    def handle(self, *args, path, queue=None, **options):
        raw = self._read(path)
        target = None
        if queue:
            try:
                target = Queue.objects.get(name=queue, is_active=True)
            except Queue.DoesNotExist:
                self._fail(EX_TEMPFAIL, f"No active queue named {queue!r}: fix --queue.")
            except DatabaseError as exc:
                self._fail(EX_TEMPFAIL, f"Database unavailable: {exc}")
        try:
            message = message_ingest(raw, queue=target)
        except UnreadableMessage as exc:
            self._fail(EX_DATAERR, f"Unreadable message: {exc}")
        except DatabaseError as exc:
            self._fail(EX_TEMPFAIL, f"Database unavailable, try again later: {exc}")
        except Exception as exc:  # the MTA retries; a later fix may take it
            self._fail(EX_TEMPFAIL, f"Failed, try again later: {type(exc).__name__}: {exc}")
        ticket = message.ticket.number if message.ticket_id else "-"
        self.stdout.write(f"{message.outcome} {ticket}")

    def _read(self, path: str) -> bytes:
        try:
            raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            self._fail(EX_DATAERR, f"Cannot read {path}: {exc}")
        if not raw.strip():
            self._fail(EX_DATAERR, "Empty input: no message to take.")
        return raw

    def _fail(self, status: int, text: str):
        self.stderr.write(text)
        raise SystemExit(status)
