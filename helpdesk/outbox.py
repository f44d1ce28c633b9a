"""One transactional outbox for every email the product sends.

Writing: the service that makes a change calls `outbox_add(kind=…, key=…, recipients=…,
params=…)` inside its own transaction, so the rows commit or roll back with the change that
owes them; a repeat of the same (kind, key, recipient) is ignored. After commit one delivery
task per call is published, which finds the call's rows by kind and key (so the change's
transaction only inserts them). A broker that is down costs the request one refused connection
(no publish retries), never an error: the rows wait in the table for the sweeper.

Delivering (`outbox_deliver`, one row): lock the row if it is pending and due, skipping a row
another worker holds; in the recipient's language and zone, ask the kind's builder (registered
with `@email_kind` in `<app>/emails.py`) for the context; render
`templates/emails/<kind>/subject.txt`, `body.txt` and `body.html` (subject and text never
HTML-escaped, the subject cleaned by `clean_subject`); send with Django's mail backend; mark
the row sent only after the backend accepted the message, in the same transaction. A refusing
or unreachable mail server costs an attempt: the row is tried again after 1, 2, 4 … 60 minutes
and is marked failed after `MAX_ATTEMPTS` (about six hours); a permanent refusal (5xx) fails it
at once. A builder that finds the recipient may no longer receive the email raises `Skip`: the
row is kept as skipped with the reason, and the email may go to whoever should receive it now
instead.

Sweeping: beat runs `sweep_outbox` every minute, cron-only sites `manage.py send_outbox`; both
deliver, in their own process and a bounded batch at a time, the rows that are due and were
not delivered by their own task (broker down, worker killed, a back-off that has passed).

The gap no outbox closes: a process killed after the mail server accepted a message and before
the row's commit sends it again on the next attempt, with the same Message-ID.
"""

from __future__ import annotations

import logging
import smtplib
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.core.validators import validate_email
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import QuerySet
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import timezone

from .i18n import address_locale, locale_override
from .models import OutboxMessage

__all__ = [
    "Email",
    "OutboxMessage",
    "Skip",
    "clean_subject",
    "deliver_outbox",
    "email_kind",
    "message_id_new",
    "outbox_add",
    "outbox_deliver",
    "outbox_health",
    "outbox_retry",
    "outbox_sweep",
    "sweep_outbox",
]

# Every email we send carries it; mail that comes back with it is our own (a loop).
LOOP_HEADER = "X-Helpdesk-Loop"

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status

MAX_ATTEMPTS = 12  # waits of 1+2+4+8+16+32+60×5 minutes: about six hours of trying
BACKOFF_CAP = timedelta(minutes=60)
SUBJECT_MAX = 200  # characters; the mail library folds the header, this keeps it readable
SWEEP_BATCH = 200
SWEEP_SECONDS = 45  # beat starts a sweep every minute; one must not run into the next
SWEEP_GRACE = timedelta(seconds=30)  # a fresh row's own task gets the first try
OVERDUE = timedelta(minutes=10)  # /healthz: due this long and still not delivered


# --- kinds ------------------------------------------------------------------------------------


class Skip(Exception):
    """Raised by a builder: this recipient may no longer receive the email.

    `instead`: the addresses who should receive it now (e.g. the queue's team when the owner
    lost access); they get rows of their own, and whoever already has one gets nothing twice.
    """

    def __init__(self, reason: str, *, instead: Iterable[str] = ()):
        super().__init__(reason)
        self.reason = reason
        self.instead = list(instead)


@dataclass
class Email:
    """What a builder returns: the template context and the envelope details."""

    context: dict[str, Any]
    from_email: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    # Runs in the transaction that marks the row sent (e.g. a history entry on the ticket).
    on_sent: Callable[[], None] | None = None


Builder = Callable[[OutboxMessage], Email]
_BUILDERS: dict[str, Builder] = {}


def email_kind(kind: str) -> Callable[[Builder], Builder]:
    """Register the builder of a kind: `@email_kind("ticket_reply") def build(message): …`.

    A builder reads what it needs from `message.params` and the database at send time and
    returns an `Email`, or raises `Skip`. Each app keeps its builders in `<app>/emails.py`,
    which `HelpdeskConfig.ready` imports.
    """

    def register(builder: Builder) -> Builder:
        known = _BUILDERS.get(kind)
        if known is not None and known.__qualname__ != builder.__qualname__:
            raise ImproperlyConfigured(f"Two builders for the email kind {kind!r}.")
        _BUILDERS[kind] = builder
        return builder

    return register


def email_kinds() -> list[str]:
    return sorted(_BUILDERS)


# --- writing ----------------------------------------------------------------------------------


def mail_domain() -> str:
    """Our mail domain: the one of DEFAULT_FROM_EMAIL."""
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "helpdesk.local"


def message_id_new() -> str:
    """A Message-ID on our domain."""
    return make_msgid(domain=mail_domain())


def _addresses(recipients: Iterable[str]) -> list[str]:
    """Valid addresses, lower-cased and without duplicates, in the order given."""
    addresses = []
    for raw in recipients:
        address = (raw or "").strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            logger.warning("Outbox: %r is no valid address; nothing is sent to it.", raw)
            continue
        if address not in addresses:
            addresses.append(address)
    return addresses


def outbox_add(
    *,
    kind: str,
    key: str,
    recipients: Iterable[str],
    params: dict[str, Any] | None = None,
    message_id: str = "",
) -> int:
    """Owe the email `kind` about `key` to each recipient; returns to how many addresses.

    Call it inside the transaction of the change. Rows that exist already are left as they
    are (a repeat sends nothing twice). `message_id` fixes the Message-ID of the email (a
    reply's is stored on its article): every recipient's row carries it, as the copies of one
    message sent To and Cc several people do; otherwise each row gets its own.
    """
    if kind not in _BUILDERS:
        raise ImproperlyConfigured(f"No builder for the email kind {kind!r}.")
    if len(key) > OutboxMessage._meta.get_field("key").max_length:
        raise ValueError(f"Outbox key too long: {key!r}")
    addresses = _addresses(recipients)
    if not addresses:
        return 0
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind=kind,
                key=key,
                recipient=address,
                params=params or {},
                message_id=message_id or message_id_new(),
                next_attempt_at=now,
                created_at=now,
            )
            for address in addresses
        ],
        ignore_conflicts=True,
    )
    # robust: whatever the publish does, the request that committed stays a success and the
    # other after-commit callbacks still run.
    transaction.on_commit(partial(outbox_publish_key, kind, key), robust=True)
    return len(addresses)


class _BrokerPause:
    """After the broker failed, this process leaves it alone for `SECONDS`: a broker that
    drops connections (rather than refusing them) would cost every write the connect timeout."""

    SECONDS = 10.0
    until = 0.0

    @classmethod
    def active(cls) -> bool:
        return time.monotonic() < cls.until

    @classmethod
    def start(cls) -> None:
        cls.until = time.monotonic() + cls.SECONDS


def outbox_publish_key(kind: str, key: str) -> None:
    """After commit: one delivery task for the rows of `kind` and `key`, or, without a
    broker, delivery right here."""
    if deliver_outbox_key.app.conf.task_always_eager:
        outbox_deliver_key(kind, key)
        return
    if _BrokerPause.active():
        return  # the sweeper delivers them
    try:
        deliver_outbox_key.apply_async(args=(kind, key))
    except Exception as exc:  # any broker failure: the rows wait for the sweeper
        _BrokerPause.start()
        logger.warning(
            "Outbox: broker unavailable (%r); %s %s waits for the sweeper.", exc, kind, key
        )


def outbox_publish(ids: list[int]) -> None:
    """After commit: one delivery task per row, or, without a broker, delivery right here."""
    if deliver_outbox.app.conf.task_always_eager:
        for pk in ids:
            outbox_deliver(pk)
        return
    if _BrokerPause.active():
        return  # the sweeper delivers them
    for index, pk in enumerate(ids):
        try:
            deliver_outbox.apply_async(args=(pk,))
        except Exception as exc:  # any broker failure: the rows wait for the sweeper
            _BrokerPause.start()
            logger.warning(
                "Outbox: broker unavailable (%r); %d message(s) wait for the sweeper.",
                exc,
                len(ids) - index,
            )
            return


# --- delivering -------------------------------------------------------------------------------


def clean_subject(text: str) -> str:
    """One line: control characters and line breaks become spaces, runs of whitespace one
    space, at most `SUBJECT_MAX` characters. Never HTML-escaped (it is not HTML)."""
    spaced = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    subject = " ".join(spaced.split())
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1].rstrip() + "…"
    return subject


def _render_text(name: str, context: dict[str, Any]) -> str:
    """A plain-text template: the subject and the text body are not HTML, so nothing in them
    is escaped (`<script>` stays `<script>`; the HTML body escapes it)."""
    template = engines["django"].get_template(name).template
    return template.render(Context(context, autoescape=False))


def _compose(message: OutboxMessage, email: Email) -> EmailMultiAlternatives:
    folder = f"emails/{message.kind}"
    context = {**email.context, "recipient": message.recipient}
    headers = {**email.headers, LOOP_HEADER: mail_domain()}
    if message.message_id:
        headers["Message-ID"] = message.message_id
    mail = EmailMultiAlternatives(
        subject=clean_subject(_render_text(f"{folder}/subject.txt", context)),
        body=_render_text(f"{folder}/body.txt", context),
        from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers=headers,
    )
    mail.attach_alternative(render_to_string(f"{folder}/body.html", context), "text/html")
    for name, content, mimetype in email.attachments:
        mail.attach(name, content, mimetype)
    return mail


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** (attempts - 1)), BACKOFF_CAP)


def _permanent(exc: Exception) -> bool:
    """The server refused for good (5xx): trying again cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and min(codes) >= 500
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def _attempt_failed(
    message: OutboxMessage, exc: Exception, now: datetime, *, permanent: bool = False
) -> str:
    message.attempts += 1
    message.last_error = (str(exc) or type(exc).__name__)[:2000]
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = Status.FAILED
        logger.error("Outbox: %s failed after %d attempt(s): %r", message, message.attempts, exc)
    else:
        message.next_attempt_at = now + _backoff(message.attempts)
        logger.warning("Outbox: %s attempt %d failed: %r", message, message.attempts, exc)
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return message.status


def _skip(message: OutboxMessage, skip: Skip) -> str:
    message.status = Status.SKIPPED
    message.last_error = skip.reason[:2000]
    message.save(update_fields=["status", "last_error"])
    if skip.instead:
        outbox_add(
            kind=message.kind, key=message.key, recipients=skip.instead, params=message.params
        )
    return message.status


def outbox_deliver(pk: int, *, now: datetime | None = None) -> str | None:
    """Deliver one row if it is pending and due; returns its new status, or None when there
    was nothing to do (not pending, not due yet, or another worker holds it).

    Database errors propagate (the task retries them; the row stays pending); mail errors
    and faults of the builder or a template cost an attempt.
    """
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        try:
            with locale_override(*address_locale(message.recipient)):
                email = _BUILDERS[message.kind](message)
                mail = _compose(message, email)
        except Skip as skip:
            return _skip(message, skip)
        except DatabaseError:
            raise
        except Exception as exc:  # a bug or a missing file: retried, then visible as failed
            logger.exception("Outbox: building %s failed.", message)
            return _attempt_failed(message, exc, now)
        try:
            mail.send()
        except (smtplib.SMTPException, OSError) as exc:
            return _attempt_failed(message, exc, now, permanent=_permanent(exc))
        message.status = Status.SENT
        message.sent_at = now
        message.attempts += 1
        message.last_error = ""
        message.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        if email.on_sent is not None:
            email.on_sent()
    return message.status


def outbox_deliver_key(kind: str, key: str, *, now: datetime | None = None) -> list[str | None]:
    """Deliver the pending rows of `kind` and `key` (one `outbox_add`), each as
    `outbox_deliver` does."""
    ids = OutboxMessage.objects.filter(kind=kind, key=key, status=Status.PENDING).values_list(
        "pk", flat=True
    )
    return [outbox_deliver(pk, now=now) for pk in list(ids)]


def outbox_due(now: datetime) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)


def outbox_sweep(
    *,
    now: datetime | None = None,
    limit: int = SWEEP_BATCH,
    grace: timedelta = SWEEP_GRACE,
    seconds: float | None = SWEEP_SECONDS,
) -> Counter[str]:
    """Deliver, here, up to `limit` rows that have been due for at least `grace`, oldest
    first, for at most `seconds`; counts the outcomes (`busy`: another worker holds it)."""
    now = now or timezone.now()
    started = time.monotonic()
    ids = list(
        outbox_due(now - grace).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    outcomes: Counter[str] = Counter()
    for pk in ids:
        if seconds is not None and time.monotonic() - started > seconds:
            break
        outcomes[outbox_deliver(pk, now=now) or "busy"] += 1
    return outcomes


def outbox_retry(queryset: QuerySet[OutboxMessage]) -> int:
    """Give failed rows a new round of attempts, starting now (the admin's action)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(queryset.filter(status=Status.FAILED).values_list("pk", flat=True))
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now
        )
        if ids:
            transaction.on_commit(partial(outbox_publish, ids), robust=True)
    return len(ids)


def outbox_health(now: datetime | None = None) -> dict[str, int]:
    """For /healthz: rows that failed for good, and rows due for long but not delivered."""
    now = now or timezone.now()
    return {
        "failed": OutboxMessage.objects.filter(status=Status.FAILED).count(),
        "overdue": outbox_due(now - OVERDUE).count(),
    }


# --- Celery tasks -----------------------------------------------------------------------------


# A lost database connection is retried with back-off; after the last retry the rows are
# still pending and the sweeper delivers them.
DELIVERY_RETRIES = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "max_retries": 8,
}


@shared_task(name="helpdesk.tasks.deliver_outbox", **DELIVERY_RETRIES)
def deliver_outbox(message_id: int) -> str | None:
    """Deliver one outbox row."""
    return outbox_deliver(message_id)


@shared_task(name="helpdesk.tasks.deliver_outbox_key", **DELIVERY_RETRIES)
def deliver_outbox_key(kind: str, key: str) -> list[str | None]:
    """Deliver the rows one `outbox_add` wrote; retried as `deliver_outbox` is (delivering
    a row twice is a no-op)."""
    return outbox_deliver_key(kind, key)


@shared_task(name="helpdesk.tasks.sweep_outbox")
def sweep_outbox() -> dict[str, int]:
    """Beat, every minute: deliver what is due and was not delivered by its own task."""
    return dict(outbox_sweep())
