"""Building raw messages for intake tests."""

from __future__ import annotations

from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.db import connection
from django.test import TestCase
from django.utils import timezone

from mailgate.models import InboundMessage
from mailgate.services import message_ingest


def raw_mail(
    *,
    sender: str = "someone@example.org",
    to: str = "support@helpdesk.example",
    subject: str = "Printer on floor 3 is offline",
    body: str = "Hello,\nthe printer does not answer.\nRegards",
    html: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    cc: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    if message_id != "":
        message["Message-ID"] = message_id or make_msgid(domain="example.org")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body)
    if html is not None:
        if body is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for filename, content, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def ingest(raw: bytes, **kwargs) -> InboundMessage:
    """Intake as a command runs it: the emails it owes go out after its commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return message_ingest(raw, **kwargs)


@contextmanager
def read_only_database():
    """The database refuses every write, as a full disk or a failed-over replica does."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET default_transaction_read_only = on")
        else:
            cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("RESET default_transaction_read_only")
            else:
                cursor.execute("PRAGMA query_only = OFF")
