"""The ingestion case of `manage.py benchmark`: raw messages through the intake
(`mailgate.services.Intake`, one batch per process as `fetch_mail` takes an account's), each
in its own transaction, by as many processes at once as the machine has cores (the pipe runs
one per message, a worker fetches each account: the intake is parallel by nature). Each
thread of messages stays in one process, so follow-ups find their tickets. The emails the
intake owes are recorded but not sent during the run, as with a broker whose worker sends
them; the benchmark sends them afterwards (to Django's in-memory backend) and reports that
rate on its own.

The mix: new tickets from known and unknown senders, follow-ups that thread by In-Reply-To,
Japanese mail in ISO-2022-JP, HTML-only mail and mail with a PDF attachment. Everything the run
creates is deleted afterwards, so the page measurements and later runs see the same data.
"""

from __future__ import annotations

import math
import multiprocessing
import random
import statistics
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from django.db import connections, transaction
from django.test import override_settings

from customers.models import CustomerUser
from helpdesk.models import OutboxMessage
from helpdesk.outbox import _BrokerPause, deliver_outbox, outbox_sweep
from mailgate.models import InboundMessage
from mailgate.services import Intake
from tickets.models import Attachment, Queue, Ticket

TARGET_PER_SECOND = 100
QUEUE_NAME = "Benchmark mail"
QUEUE_ADDRESS = "bench-mail@helpdesk.example"
PDF = b"%PDF-1.4\n" + bytes(random.Random(7).randrange(256) for _ in range(48 * 1024))
KINDS = ("new", "follow_up", "japanese", "html", "attachment")
WEIGHTS = (40, 20, 15, 15, 10)


@dataclass
class Result:
    messages: int
    processes: int
    seconds: float
    per_second: float
    median_ms: float
    p95_ms: float
    outcomes: dict[str, int]
    kinds: dict[str, int]
    emails: int
    emails_per_second: float
    target_per_second: int = TARGET_PER_SECOND

    @property
    def passed(self) -> bool:
        return self.per_second >= self.target_per_second

    def as_dict(self) -> dict:
        return {**self.__dict__, "passed": self.passed}

    def line(self) -> str:
        return (
            f"Ingestion: {self.messages:,} messages in {self.seconds:.1f} s by "
            f"{self.processes} process(es) = {self.per_second:.0f} messages/s (median "
            f"{self.median_ms:.1f} ms, p95 {self.p95_ms:.1f} ms; target ≥ "
            f"{self.target_per_second}/s); the {self.emails:,} emails they owe sent afterwards "
            f"at {self.emails_per_second:.0f}/s"
        )


def _email(sender: str, subject: str, *, run: str, n: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = QUEUE_ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = f"<bench-{run}-{n}@customer.example>"
    return message


def messages(n: int, seed: int = 1) -> tuple[list[bytes], list[str]]:
    """`n` raw messages and their kinds; follow-ups answer earlier messages of the list."""
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:12]
    senders = list(
        CustomerUser.objects.active()
        .exclude(email="")
        .order_by("id")
        .values_list("email", flat=True)[:200]
    ) or ["someone@customer.example"]
    raws, kinds, earlier = [], [], []
    for i in range(n):
        kind = rng.choices(KINDS, WEIGHTS)[0] if earlier else "new"
        if kind == "follow_up":
            sender, message_id, subject = rng.choice(earlier)
            email = _email(sender, f"Re: {subject}", run=run, n=i)
            email["In-Reply-To"] = message_id
            email["References"] = message_id
            email.set_content("Thanks, it works again after the restart.\n\n> Please restart.")
        elif kind == "japanese":
            sender = rng.choice(senders)
            email = _email(sender, f"プリンターが印刷できません {i}", run=run, n=i)
            email.set_content(
                "いつもお世話になっております。\n３階のプリンターが印刷できません。\n",
                charset="iso-2022-jp",
                cte="7bit",
            )
        elif kind == "html":
            sender = rng.choice(senders)
            email = _email(sender, f"VPN drops every hour {i}", run=run, n=i)
            email.set_content(
                "<html><body><p>Hello,</p><p>the <b>VPN</b> drops every hour.</p>"
                "<script>alert(1)</script><p>Regards</p></body></html>",
                subtype="html",
            )
        else:
            sender = rng.choice(senders) if rng.random() < 0.8 else f"new{i}@unknown.example"
            email = _email(sender, f"Laptop {i} does not start", run=run, n=i)
            email.set_content("Hello,\nmy laptop shows a black screen since this morning.\n")
            if kind == "attachment":
                email.add_attachment(
                    PDF, maintype="application", subtype="pdf", filename="report.pdf"
                )
        if kind != "follow_up":
            earlier.append((sender, email["Message-ID"], email["Subject"]))
        raws.append(email.as_bytes())
        kinds.append(kind)
    return raws, kinds


def _queue() -> tuple[Queue, bool]:
    return Queue.objects.get_or_create(
        name=QUEUE_NAME, defaults={"email_address": QUEUE_ADDRESS, "auto_reply": True}
    )


def _clean_up(started_outbox_id: int, inbound_ids: list[int], ticket_ids: list[int]) -> None:
    for attachment in Attachment.objects.filter(article__ticket_id__in=ticket_ids):
        attachment.file.delete(save=False)
    for message in InboundMessage.objects.filter(pk__in=inbound_ids).exclude(raw=""):
        message.raw.delete(save=False)
    with transaction.atomic():
        InboundMessage.objects.filter(pk__in=inbound_ids).delete()
        Ticket.objects.filter(pk__in=ticket_ids).delete()
        OutboxMessage.objects.filter(pk__gt=started_outbox_id).delete()


def _threads(kinds: list[str], raws: list[bytes], processes: int) -> list[list[int]]:
    """Message indexes per process, each thread (a message and its follow-ups) in one process
    and in order, so a follow-up always finds the ticket of the message it answers."""
    slices: list[list[int]] = [[] for _ in range(processes)]
    root_of: dict[bytes, int] = {}
    for index, (kind, raw) in enumerate(zip(kinds, raws, strict=True)):
        message_id = raw.split(b"Message-ID: ", 1)[1].split(b"\n", 1)[0].strip()
        if kind == "follow_up":
            answered = raw.split(b"In-Reply-To: ", 1)[1].split(b"\n", 1)[0].strip()
            root = root_of[answered]
        else:
            root = index
        root_of[message_id] = root
        slices[root % processes].append(index)
    return slices


@contextmanager
def _sending_left_to_a_worker():
    """During the intake, owed emails are recorded but not sent, as with a broker whose
    worker sends them; the benchmark sends them afterwards and times that on its own."""
    app = deliver_outbox.app
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    _BrokerPause.until = math.inf  # publishing is skipped: the rows wait, as for the sweeper
    try:
        yield
    finally:
        app.conf.task_always_eager = eager
        _BrokerPause.until = 0.0


def _take(raws: list[bytes], indexes: list[int]) -> tuple[list[float], list[int], list[int]]:
    """Take these messages one by one: (timings in ms, inbound ids, ticket ids)."""
    timings, inbound_ids, ticket_ids = [], [], []
    intake = Intake()  # one batch, as one fetch of an account is
    with _sending_left_to_a_worker():
        for index in indexes:
            t0 = time.perf_counter()
            inbound = intake.take(raws[index])
            timings.append((time.perf_counter() - t0) * 1000)
            inbound_ids.append(inbound.pk)
            if inbound.ticket_id:
                ticket_ids.append(inbound.ticket_id)
    return timings, inbound_ids, ticket_ids


def _process(raws: list[bytes], indexes: list[int], start, results) -> None:
    """A forked process's share, started with the others."""
    start.wait()
    results.put(_take(raws, indexes))
    connections.close_all()


def _run(raws: list[bytes], shares: list[list[int]]) -> tuple[float, list]:
    """(seconds, each share's results); one share runs here, more in forked processes, each
    with its own database connection (PostgreSQL: SQLite's test database lives in memory)."""
    if len(shares) == 1:
        started = time.perf_counter()
        taken = [_take(raws, shares[0])]
        return time.perf_counter() - started, taken
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(shares) + 1), context.Queue()
    connections.close_all()
    workers = [
        context.Process(target=_process, args=(raws, share, start, results)) for share in shares
    ]
    for worker in workers:
        worker.start()
    start.wait()
    started = time.perf_counter()
    taken = [results.get() for _ in workers]
    seconds = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return seconds, taken


def measure(n: int, seed: int = 1, processes: int = 1) -> Result:
    queue, created = _queue()
    raws, kinds = messages(n, seed)
    started_outbox_id = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first()
    inbound_ids, ticket_ids, timings = [], set(), []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        seconds, taken = _run(raws, _threads(kinds, raws, processes))
        for share_timings, share_inbound, share_tickets in taken:
            timings += share_timings
            inbound_ids += share_inbound
            ticket_ids.update(share_tickets)
        owed = OutboxMessage.objects.filter(
            pk__gt=started_outbox_id or 0, status=OutboxMessage.Status.PENDING
        ).count()
        send_started = time.perf_counter()
        while outbox_sweep(grace=timedelta(0), seconds=None):
            pass
        send_seconds = time.perf_counter() - send_started
    outcomes: dict[str, int] = {}
    for outcome in InboundMessage.objects.filter(pk__in=inbound_ids).values_list(
        "outcome", flat=True
    ):
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    _clean_up(started_outbox_id or 0, inbound_ids, list(ticket_ids))
    if created:
        queue.delete()
    timings.sort()
    return Result(
        messages=n,
        processes=processes,
        seconds=round(seconds, 2),
        per_second=round(n / seconds, 1) if seconds else 0.0,
        median_ms=round(statistics.median(timings), 2) if timings else 0.0,
        p95_ms=round(timings[int(0.95 * (len(timings) - 1))], 2) if timings else 0.0,
        outcomes=outcomes,
        kinds={kind: kinds.count(kind) for kind in KINDS},
        emails=owed,
        emails_per_second=round(owed / send_seconds, 1) if send_seconds and owed else 0.0,
    )
