"""Intake of email (DESIGN §10): one function, `message_ingest`, that `fetch_mail`, the
`ingest_email` pipe and the benchmark call."""

from __future__ import annotations

from datetime import datetime

from tickets.models import Queue

from .models import InboundMessage, MailAccount


class UnreadableMessage(Exception):
    """Not an email we can read at all (the pipe exits 65)."""


def message_ingest(
    raw: bytes,
    *,
    account: MailAccount | None = None,
    queue: Queue | None = None,
    now: datetime | None = None,
) -> InboundMessage:
    """Take one raw RFC 5322 message; returns its `InboundMessage` (the existing one when the
    message was taken before). Database errors propagate: nothing was taken, try again."""
    raise NotImplementedError
