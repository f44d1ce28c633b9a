"""Intake of email (DESIGN §10): `Intake.take`, which `fetch_mail` (one `Intake` per account
and fetch), the `ingest_email` pipe (`message_ingest`, one message) and the benchmark call.

1. Read the message (mailgate/parsing.py); a message we cannot read at all raises
   `UnreadableMessage`.
2. Claim its Message-ID: the `InboundMessage` row is inserted last, in the transaction that
   did the work; the unique constraint makes a second taker (a retry, the same message fetched
   and piped, two fetchers at once) wait for the first, fail, roll its work back and find the
   first's row.
3. Classify: a bounce or an automatic mail (loop) is kept but silent.
4. Route to a queue, thread to a ticket, decide whether the sender may follow up there, match
   the sender to a customer user.
5. Write through the ticket services, exactly as a portal update or a new portal request
   would: escalation, notices to the agents and the customer's notification groups.
6. Auto-reply to a new ticket when its queue asks for it, at most
   `HELPDESK_AUTO_REPLY_PER_HOUR` per sender, never to automatic mail.

A fault in step 3–6 that is not the database's is kept as outcome `error` with the raw
message, so an admin sees it; a database fault propagates and nothing is taken (the pipe
exits 75, the fetcher leaves the message on the server).
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import cached_property

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from customers.models import CustomerUser
from helpdesk.models import OutboxMessage, fit_to_field
from helpdesk.outbox import LOOP_HEADER, outbox_add
from tickets.emails import customer_update_notice_add
from tickets.models import (
    DEFAULT_PRIORITY_LEVEL,
    Article,
    Channel,
    Priority,
    Queue,
    Ticket,
    TicketState,
)
from tickets.services import article_add, default_queue, ticket_create, ticket_set_state

from .models import InboundMessage, MailAccount
from .parsing import Mail, UnreadableMessage, parse

__all__ = ["Intake", "UnreadableMessage", "message_ingest", "message_take_again"]

logger = logging.getLogger(__name__)

Outcome = InboundMessage.Outcome
TICKET_NUMBER = re.compile(r"\[Ticket#(\d{1,32})\]", re.IGNORECASE)
BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@")
BULK_PRECEDENCE = {"bulk", "junk", "list"}
CLOSED_TYPES = ("closed", "merged", "removed")
NO_TEXT = "(This email has no text.)"


def message_ingest(
    raw: bytes,
    *,
    account: MailAccount | None = None,
    queue: Queue | None = None,
    now: datetime | None = None,
) -> InboundMessage:
    """Take one raw RFC 5322 message; returns its `InboundMessage` (the existing one when the
    message was taken before). Database errors propagate: nothing was taken, try again."""
    return Intake(account=account, queue=queue).take(raw, now=now)


def message_take_again(inbound: InboundMessage) -> InboundMessage:
    """Runs intake again on a message kept as `error`, once an admin fixed the cause. The error
    row is deleted in the transaction that takes the message, so a database fault keeps it;
    a message that still fails is kept as a new error. Returns the message's row now."""
    if inbound.outcome != Outcome.ERROR or not inbound.raw:
        raise ValueError("Only a message kept as an error, with its raw message, is taken again.")
    with inbound.raw.open("rb") as handle:
        raw = handle.read()
    with transaction.atomic():
        deleted, _ = InboundMessage.objects.filter(pk=inbound.pk, outcome=Outcome.ERROR).delete()
        if not deleted:  # somebody else took it again first
            return InboundMessage.objects.get(message_id=inbound.message_id)
        taken = Intake(account=inbound.account).take(raw)
        old = inbound.raw
        if taken.raw.name != old.name:
            transaction.on_commit(lambda: old.storage.delete(old.name))
    return taken


class Intake:
    """Takes the messages of one batch (a fetch of one account, one piped message, one
    benchmark process). The rows every message needs the same of (the queues' addresses, the
    states and the default priority) are read once per batch: an admin's change to them
    applies from the next fetch."""

    def __init__(self, *, account: MailAccount | None = None, queue: Queue | None = None):
        self.account = account
        self.queue = queue

    @cached_property
    def queue_addresses(self) -> dict[str, Queue]:
        return {
            queue.email_address.lower(): queue
            for queue in Queue.objects.exclude(email_address=None)
        }

    @cached_property
    def own_addresses(self) -> set[str]:
        return {*self.queue_addresses, parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()}

    @cached_property
    def _states(self) -> dict[str, TicketState]:
        return {state.name: state for state in TicketState.objects.filter(name__in=("new", "open"))}

    def state(self, name: str) -> TicketState:
        try:
            return self._states[name]
        except KeyError:  # an admin removed it: the message is kept as an error
            raise TicketState.DoesNotExist(f"No ticket state {name!r}.") from None

    @cached_property
    def priority(self) -> Priority:
        return Priority.objects.get(level=DEFAULT_PRIORITY_LEVEL)

    def take(self, raw: bytes, *, now: datetime | None = None) -> InboundMessage:
        now = now or timezone.now()
        mail = parse(raw)
        inbound = _inbound(mail, account=self.account, now=now)
        try:
            with transaction.atomic():
                _Message(self, mail, inbound, now=now).run()
                _keep_raw(inbound, raw)
                inbound.save()
            return inbound
        except IntegrityError:
            if inbound.raw:
                inbound.raw.delete(save=False)
            taken = InboundMessage.objects.filter(message_id=mail.message_id).first()
            if taken is not None:
                return taken
            raise
        except DatabaseError:
            raise
        except Exception as exc:  # a message our code cannot handle: kept for an admin to see
            logger.exception("Intake of %s failed.", mail.message_id)
            return _error(mail, raw, account=self.account, now=now, exc=exc)


def _inbound(mail: Mail, *, account, now, detail: str = "") -> InboundMessage:
    """The message's row, as an error until intake decides otherwise."""
    return InboundMessage(
        account=account,
        message_id=mail.message_id,
        received_at=now,
        sender=fit_to_field(InboundMessage, "sender", mail.sender),
        subject=fit_to_field(InboundMessage, "subject", mail.subject),
        outcome=Outcome.ERROR,
        detail=detail,
    )


def _keep_raw(inbound: InboundMessage, raw: bytes) -> None:
    name = hashlib.sha256(inbound.message_id.encode()).hexdigest()[:32]
    inbound.raw.save(f"{name}.eml", ContentFile(raw), save=False)


def _error(mail: Mail, raw: bytes, *, account, now, exc: Exception) -> InboundMessage:
    inbound = _inbound(mail, account=account, now=now, detail=f"{type(exc).__name__}: {exc}"[:2000])
    try:
        with transaction.atomic():
            _keep_raw(inbound, raw)
            inbound.save()
    except IntegrityError:
        inbound.raw.delete(save=False)
        return InboundMessage.objects.get(message_id=mail.message_id)
    return inbound


def automatic_kind(mail: Mail, own_addresses: set[str]) -> str:
    """`bounce`, `loop` (automatic mail: auto-replies, lists, our own mail) or ''."""
    sender = mail.sender
    if sender.startswith(BOUNCE_SENDERS) or mail.report_type == "delivery-status":
        return Outcome.BOUNCE
    if mail.headers.get("Return-Path", "").strip() == "<>":
        return Outcome.BOUNCE
    auto = mail.headers.get("Auto-Submitted", "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return Outcome.LOOP
    if mail.headers.get("Precedence", "").strip().lower() in BULK_PRECEDENCE:
        return Outcome.LOOP
    if "X-Auto-Response-Suppress" in mail.headers or "X-Autoreply" in mail.headers:
        return Outcome.LOOP
    if LOOP_HEADER in mail.headers or not sender or sender in own_addresses:
        return Outcome.LOOP
    return ""


class _Message:
    """Steps 3–6 for one message, inside the transaction that claimed it."""

    def __init__(self, intake: Intake, mail: Mail, inbound: InboundMessage, *, now):
        self.intake = intake
        self.mail = mail
        self.inbound = inbound
        self.account = intake.account
        self.queue = intake.queue
        self.now = now
        self.notes: list[str] = []

    def run(self) -> None:
        mail = self.mail
        self.automatic = automatic_kind(mail, self.intake.own_addresses)
        self.customer_user = self._sender()
        ticket = self._thread()
        if ticket is None and self.automatic == Outcome.BOUNCE:
            ticket = self._thread_by(self.mail.embedded_ids)
        # A bounce names a message of ours; it becomes an internal system article, so nobody
        # takes anything over with it.
        bounce = self.automatic == Outcome.BOUNCE
        if ticket is not None and not bounce and not self._may_follow_up(ticket):
            self.notes.append(
                f"{mail.sender or 'The sender'} is not on ticket #{ticket.number}: a new ticket."
            )
            ticket = None
        if ticket is not None:
            self._follow_up(ticket)
        elif self.automatic == Outcome.BOUNCE:
            self._done(Outcome.BOUNCE, "A bounce that names no ticket of ours: kept, no ticket.")
        else:
            self._new_ticket(self._route(self.intake.queue_addresses))

    # --- who, where, which ticket ---------------------------------------------------------

    def _sender(self) -> CustomerUser | None:
        if not self.mail.sender:
            return None
        return (
            CustomerUser.objects.active()
            .filter(email__iexact=self.mail.sender)
            .select_related("user", "customer")
            .order_by("id")
            .first()
        )

    def _route(self, queue_addresses: dict[str, Queue]) -> Queue:
        for address in self.mail.recipients:
            if address in queue_addresses:
                return queue_addresses[address]
        if self.account is not None and self.account.queue_id:
            return self.account.queue
        return self.queue or default_queue()

    RELATED = ("state", "queue", "customer_user")

    def _thread_by(self, message_ids: list[str]) -> Ticket | None:
        if not message_ids:
            return None
        ticket_id = (
            Article.objects.filter(message_id__in=message_ids[-50:])
            .order_by("-id")
            .values_list("ticket_id", flat=True)
            .first()
        )
        if ticket_id is None:
            return None
        return Ticket.objects.select_related(*self.RELATED).get(pk=ticket_id)

    def _thread(self) -> Ticket | None:
        ticket = self._thread_by(self.mail.in_reply_to)
        if ticket is not None:
            return ticket
        match = TICKET_NUMBER.search(self.mail.subject)
        if match:
            return (
                Ticket.objects.select_related(*self.RELATED).filter(number=match.group(1)).first()
            )
        return None

    def _may_follow_up(self, ticket: Ticket) -> bool:
        """The ticket's customer user, another active contact of its customer, or an address
        already on the thread; nobody takes over a ticket by quoting its number."""
        customer_user = self.customer_user
        if customer_user is not None:
            if customer_user.pk == ticket.customer_user_id:
                return True
            if ticket.customer_id and ticket.customer_id in customer_user.customer_ids():
                return True
        if not self.mail.sender:
            return False
        thread = Article.objects.filter(ticket=ticket).only("email_from", "email_to", "email_cc")
        return any(self.mail.sender in article.thread_addresses() for article in thread)

    # --- writing ---------------------------------------------------------------------------

    def _article_fields(self) -> dict:
        mail = self.mail
        return {
            "body_html": mail.html,
            "email_from": fit_to_field(Article, "email_from", mail.sender),
            "email_to": ",".join(mail.to),
            "email_cc": ",".join(mail.cc),
            "message_id": "" if mail.message_id.startswith("sha256:") else mail.message_id,
        }

    def _uploads(self) -> list[SimpleUploadedFile]:
        """The attachments within the upload limits; what was dropped goes into the notes."""
        kept, dropped = [], []
        limit = settings.HELPDESK_MAX_ATTACHMENT_SIZE
        for attachment in self.mail.attachments:
            size = len(attachment.content)
            if size > limit:
                dropped.append(
                    f"{attachment.filename} ({size / 1048576:.1f} MB, over the "
                    f"{limit // 1048576} MB limit)"
                )
            elif len(kept) >= settings.HELPDESK_MAX_ATTACHMENTS:
                dropped.append(
                    f"{attachment.filename} (more than {settings.HELPDESK_MAX_ATTACHMENTS} files)"
                )
            else:
                kept.append(
                    SimpleUploadedFile(
                        attachment.filename[:200], attachment.content, attachment.content_type
                    )
                )
        if dropped:
            self.notes.append("Attachments not imported: " + "; ".join(dropped) + ".")
        return kept

    def _body(self) -> str:
        return self.mail.text.strip() or NO_TEXT

    def _notes_article(self, ticket: Ticket) -> None:
        """What the agents should know about this email (dropped attachments, why a new ticket)
        as an internal note on the ticket."""
        if self.notes:
            Article.objects.create(
                ticket=ticket,
                sender_type=Article.SenderType.SYSTEM,
                channel=Article.ArticleChannel.NOTE,
                is_public=False,
                subject="Email intake",
                body="\n".join(self.notes),
            )

    def _done(self, outcome: str, detail: str = "", ticket=None, article=None) -> None:
        inbound = self.inbound
        inbound.outcome = outcome
        inbound.detail = "\n".join([*self.notes, detail]).strip()[:4000]
        inbound.ticket = ticket
        inbound.article = article

    def _new_ticket(self, queue: Queue) -> None:
        customer_user = self.customer_user
        if customer_user is None:
            policy = self.account.unknown_sender if self.account is not None else "create"
            if policy == MailAccount.UnknownSender.REJECT:
                self._done(Outcome.REJECTED, f"Unknown sender {self.mail.sender or '(none)'}.")
                return
        uploads = self._uploads()
        # Read before the ticket is numbered: the day's counter row stays locked until commit.
        auto_reply = not self.automatic and self._auto_reply_due(queue)
        ticket = ticket_create(
            title=fit_to_field(Ticket, "title", self.mail.subject.strip() or "(no subject)"),
            body=self._body(),
            by=customer_user.user if customer_user is not None else None,
            customer_user=customer_user,
            queue=queue,
            state=self.intake.state("new"),
            priority=self.intake.priority,
            channel=Channel.EMAIL,
            sender_type=Article.SenderType.CUSTOMER,
            article_is_public=not self.automatic,
            attachments=uploads,
            now=self.now,
            article_fields=self._article_fields(),
            notify=not self.automatic,
        )
        article = ticket.first_article
        if auto_reply:
            outbox_add(
                kind="auto_reply",
                key=f"ticket:{ticket.pk}",
                recipients=[self.mail.sender],
                params={"ticket": ticket.pk, "in_reply_to": self.mail.message_id},
            )
        self._notes_article(ticket)
        if self.automatic:
            self._done(Outcome.LOOP, "Automatic mail: no auto-reply, no notice.", ticket, article)
            return
        self._done(Outcome.NEW_TICKET, "", ticket, article)

    def _follow_up(self, ticket: Ticket) -> None:
        state_type = ticket.state.state_type
        if state_type in CLOSED_TYPES and not self.automatic:
            policy = ticket.queue.follow_up_closed
            if policy == Queue.FollowUpClosed.NEW_TICKET:
                self.notes.append(f"Answer to closed ticket #{ticket.number}: a new ticket.")
                self._new_ticket(ticket.queue)
                return
            if policy == Queue.FollowUpClosed.REJECT:
                self._done(
                    Outcome.REJECTED,
                    f"Ticket #{ticket.number} is closed and its queue takes no answers to it.",
                    ticket,
                )
                return
        if self.automatic == Outcome.BOUNCE:
            article = Article.objects.create(
                ticket=ticket,
                sender_type=Article.SenderType.SYSTEM,
                channel=Article.ArticleChannel.EMAIL,
                is_public=False,
                subject=fit_to_field(Article, "subject", self.mail.subject or "Bounce"),
                body=self._body(),
                **self._article_fields(),
            )
            self._done(Outcome.BOUNCE, "Delivery failure: kept on the ticket.", ticket, article)
            return
        customer_user = self.customer_user
        article = article_add(
            ticket=ticket,
            by=customer_user.user if customer_user is not None else None,
            body=self._body(),
            subject=fit_to_field(Article, "subject", self.mail.subject),
            sender_type=Article.SenderType.CUSTOMER,
            is_public=not self.automatic,
            channel=Article.ArticleChannel.EMAIL,
            attachments=self._uploads(),
            now=self.now,
            article_fields=self._article_fields(),
        )
        self._notes_article(ticket)
        if self.automatic:
            self._done(
                Outcome.LOOP, "Automatic mail: kept on the ticket, no notice.", ticket, article
            )
            return
        outcome, action = Outcome.FOLLOW_UP, "update"
        if state_type in (*CLOSED_TYPES, "resolved") or ticket.state.is_pending:
            if state_type in (*CLOSED_TYPES, "resolved"):
                outcome, action = Outcome.REOPENED, "reopen"
            ticket_set_state(
                ticket=ticket,
                state=self.intake.state("open"),
                by=customer_user.user if customer_user is not None else None,
                now=self.now,
            )
        customer_update_notice_add(article=article, action=action)
        self._done(outcome, "", ticket, article)

    def _auto_reply_due(self, queue: Queue) -> bool:
        """Whether the queue answers this new ticket: it asks for auto-replies and the sender
        had fewer than `HELPDESK_AUTO_REPLY_PER_HOUR` in the last hour."""
        sender = self.mail.sender
        if not queue.auto_reply or not sender:
            return False
        sent = OutboxMessage.objects.filter(
            kind="auto_reply", recipient=sender, created_at__gte=self.now - timedelta(hours=1)
        ).count()
        if sent >= settings.HELPDESK_AUTO_REPLY_PER_HOUR:
            self.notes.append(f"No auto-reply: {sender} had {sent} in the last hour.")
            return False
        return True
