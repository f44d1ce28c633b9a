"""Every write to a ticket goes through one of these functions.

Each owns its transaction, writes the `TicketEvent` audit rows and, in the same transaction,
the emails it owes (tickets/emails.py, delivered after commit by the outbox).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from contracts.models import Contract
from contracts.services import contract_hours_check, contract_minutes_add, contract_ticket_moved
from customers.models import CustomerUser, NotificationEvent
from helpdesk.models import fit_to_field

from .emails import reply_email_add, ticket_closed_emails_add, ticket_event_emails_add
from .escalation import ESCALATION_FIELDS, escalation_recompute
from .models import (
    DEFAULT_PRIORITY_LEVEL,
    AgentPreferences,
    Article,
    Attachment,
    Priority,
    Queue,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketState,
    TimeEntry,
    priority_level,
)

DEFAULT_QUEUE_NAME = "Service Desk"


class TicketError(Exception):
    """A rule refused the change; the message is meant for the user."""


class OverageRequired(TicketError):
    """The contract's hours are used up; the agent must accept additional time."""

    def __init__(self, contract: Contract):
        self.contract = contract
        super().__init__(
            gettext("This contract has used %(used)s of %(hours)s hours. Add additional time?")
            % {"used": contract.hours_used, "hours": contract.contract_hours}
        )


def default_queue() -> Queue:
    return Queue.objects.filter(name=DEFAULT_QUEUE_NAME).first() or Queue.objects.order_by("id")[0]


def _event(ticket: Ticket, by, action: str, from_value="", to_value="") -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        from_value=str(from_value or "")[:255],
        to_value=str(to_value or "")[:255],
    )


# --- numbers --------------------------------------------------------------------------------


def ticket_number_next(now: datetime | None = None) -> str:
    """YYYYMMDD + an 8-digit daily counter, incremented under a row lock.

    Must run inside a transaction; two concurrent creators wait on the same counter row.
    """
    day = timezone.localdate(now)
    for _ in range(3):
        updated = TicketCounter.objects.filter(day=day).update(value=F("value") + 1)
        if updated:
            break
        try:
            with transaction.atomic():
                TicketCounter.objects.create(day=day, value=1)
            break
        except IntegrityError:  # another creator inserted the day's row first
            continue
    value = TicketCounter.objects.filter(day=day).values_list("value", flat=True).get()
    return f"{day:%Y%m%d}{value:08d}"


# --- attachments ----------------------------------------------------------------------------


def _save_attachments(article: Article, files: Iterable[UploadedFile]) -> None:
    for upload in files:
        head = upload.read(261)
        upload.seek(0)
        kind = filetype.guess(head)
        content_type = kind.mime if kind else "application/octet-stream"
        name = fit_to_field(
            Attachment,
            "filename",
            (upload.name or "attachment").replace("/", "_").replace("\\", "_"),
        )
        attachment = Attachment(
            article=article, filename=name, content_type=content_type, size=upload.size or 0
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()


def attachments_check(files: list[UploadedFile]) -> list[str]:
    """Human-readable problems with the uploads (count and size limits)."""
    problems = []
    if len(files) > settings.HELPDESK_MAX_ATTACHMENTS:
        problems.append(
            gettext("At most %(count)s files can be attached.")
            % {"count": settings.HELPDESK_MAX_ATTACHMENTS}
        )
    limit = settings.HELPDESK_MAX_ATTACHMENT_SIZE
    for upload in files:
        if upload.size > limit:
            problems.append(
                gettext("%(name)s is larger than the limit of %(size)s MB.")
                % {"name": upload.name, "size": limit // (1024 * 1024)}
            )
    return problems


# --- create ---------------------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    title: str,
    body: str,
    by=None,
    customer_user: CustomerUser | None = None,
    customer=None,
    queue: Queue | None = None,
    state: TicketState | None = None,
    priority: Priority | None = None,
    channel: str = "phone",
    sender_type: str = Article.SenderType.CUSTOMER,
    article_is_public: bool = True,
    attachments: Iterable[UploadedFile] = (),
    owner=None,
    now: datetime | None = None,
    article_fields: dict | None = None,
    notify: bool = True,
    **fields,
) -> Ticket:
    """Create a ticket with its first article.

    1. a number from the daily counter; 2. defaults (queue, state `new`, priority from
    impact × urgency or medium, the contract's SLA when none is chosen); 3. escalation due
    times; 4. the first article with its attachments (`article_fields`: more of its fields,
    e.g. an email's addresses); 5. a `created` event; 6. unless `notify` is off (automatic
    mail), the notification groups' email. The first article is `ticket.first_article`.
    """
    now = now or timezone.now()
    if customer_user is not None and customer is None:
        customer = customer_user.customer
    if priority is None:
        impact, urgency = fields.get("impact"), fields.get("urgency")
        level = priority_level(impact, urgency) if impact and urgency else DEFAULT_PRIORITY_LEVEL
        priority = Priority.objects.get(level=level)
    if fields.get("contract") is not None and fields.get("sla") is None:
        fields["sla"] = fields["contract"].sla
    ticket = Ticket(
        created_at=now,
        number=ticket_number_next(now),
        title=title,
        queue=queue or default_queue(),
        state=state or TicketState.objects.get(name="new"),
        priority=priority,
        customer=customer,
        customer_user=customer_user,
        channel=channel,
        owner=owner,
        customer_contact_at=now if sender_type == Article.SenderType.CUSTOMER else None,
        **fields,
    )
    if ticket.state.is_pending and ticket.pending_until is None:
        raise TicketError(gettext("A pending state needs a pending time."))
    escalation_recompute(ticket, now)
    ticket.save()
    article = Article.objects.create(
        ticket=ticket,
        sender_type=sender_type,
        channel=channel if channel in Article.ArticleChannel.values else "web",
        is_public=article_is_public,
        author=by if by is not None and by.is_authenticated else None,
        subject=fit_to_field(Article, "subject", title),
        body=body,
        **(article_fields or {}),
    )
    ticket.first_article = article
    _save_attachments(article, attachments)
    if sender_type == Article.SenderType.AGENT and article_is_public:
        ticket.first_response_at = now
        escalation_recompute(ticket, now)
        ticket.save(update_fields=["first_response_at", *ESCALATION_FIELDS])
    _event(ticket, by, "created", to_value=ticket.state.name)
    if notify:
        ticket_event_emails_add(
            ticket=ticket, event=NotificationEvent.TICKET_CREATED, key=f"ticket:{ticket.pk}"
        )
    return ticket


# --- articles -------------------------------------------------------------------------------


@transaction.atomic
def article_add(
    *,
    ticket: Ticket,
    by,
    body: str,
    sender_type: str,
    is_public: bool,
    channel: str = "note",
    subject: str = "",
    attachments: Iterable[UploadedFile] = (),
    now: datetime | None = None,
    article_fields: dict | None = None,
) -> Article:
    """Add an article; a public agent article is the first response, a customer one is contact.
    `article_fields`: more of the article's fields (an email's addresses, its HTML)."""
    now = now or timezone.now()
    if not body or not body.strip():
        raise TicketError(gettext("The message cannot be empty."))
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("state", "sla", "queue")
        .get(pk=ticket.pk)
    )
    article = Article.objects.create(
        ticket=ticket,
        sender_type=sender_type,
        channel=channel,
        is_public=is_public,
        author=by if by is not None and by.is_authenticated else None,
        subject=fit_to_field(Article, "subject", subject or f"Re: {ticket.title}"),
        body=body,
        **(article_fields or {}),
    )
    _save_attachments(article, attachments)
    changed = []
    if sender_type == Article.SenderType.AGENT and is_public and ticket.first_response_at is None:
        ticket.first_response_at = now
        changed.append("first_response_at")
    if sender_type == Article.SenderType.CUSTOMER:
        ticket.customer_contact_at = now
        changed.append("customer_contact_at")
    escalation_recompute(ticket, now)
    ticket.save(update_fields=[*changed, *ESCALATION_FIELDS, "updated_at"])
    _event(ticket, by, "article", to_value=f"{sender_type} {'public' if is_public else 'internal'}")
    if sender_type == Article.SenderType.AGENT and is_public:
        ticket_event_emails_add(
            ticket=ticket,
            event=NotificationEvent.AGENT_PUBLIC_REPLY,
            key=f"article:{article.pk}",
            article=article,
        )
    return article


# --- state ----------------------------------------------------------------------------------


def pending_time_problem(
    state: TicketState, pending_until: datetime | None, now: datetime | None = None
) -> str | None:
    """Why `pending_until` does not suit `state`, for the user; None when it does. A pending
    state needs a time in the future; other states ignore it."""
    if not state.is_pending:
        return None
    if pending_until is None:
        return gettext("A pending state needs a pending time.")
    if pending_until <= (now or timezone.now()):
        return gettext("The pending time must be in the future.")
    return None


@transaction.atomic
def ticket_set_state(
    *,
    ticket: Ticket,
    state: TicketState,
    by,
    pending_until: datetime | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Move a ticket to another state.

    Pending states need `pending_until` in the future; resolve/close stamp their times and
    clear escalation; leaving pending clears the pending time.
    """
    now = now or timezone.now()
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("state", "sla", "queue")
        .get(pk=ticket.pk)
    )
    if problem := pending_time_problem(state, pending_until, now):
        raise TicketError(problem)
    old = ticket.state
    ticket.state = state
    ticket.pending_until = pending_until if state.is_pending else None
    if state.state_type == "resolved":
        ticket.resolved_at = now
    if state.state_type == "closed":
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    if state.category == "incomplete":
        ticket.resolved_at = None
        ticket.closed_at = None
    escalation_recompute(ticket, now)
    ticket.save(
        update_fields=[
            "state",
            "pending_until",
            "resolved_at",
            "closed_at",
            *ESCALATION_FIELDS,
            "updated_at",
        ]
    )
    if old.pk != state.pk:
        _event(ticket, by, "state", old.name, state.name)
    if state.is_pending:
        _event(ticket, by, "pending_until", to_value=pending_until.isoformat())
    if state.state_type == "closed" and old.state_type != "closed":
        ticket_closed_emails_add(ticket=ticket)  # groups' email; contract update if on a contract
    return ticket


# --- lock, owner and other fields -----------------------------------------------------------


@transaction.atomic
def ticket_lock(*, ticket: Ticket, by, locked: bool) -> Ticket:
    """Lock makes the agent the owner; unlock keeps the owner."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.is_locked == locked:
        return ticket
    ticket.is_locked = locked
    fields = ["is_locked", "updated_at"]
    if locked and ticket.owner_id != by.pk:
        _event(ticket, by, "owner", ticket.owner or "", by)
        ticket.owner = by
        fields.append("owner")
    ticket.save(update_fields=fields)
    _event(ticket, by, "lock" if locked else "unlock")
    return ticket


UPDATABLE_FIELDS = (
    "owner",
    "responsible",
    "queue",
    "priority",
    "service",
    "sla",
    "contract",
    "type",
    # the zoom offers the fields above; the admin also corrects these
    "title",
    "customer",
    "customer_user",
    "location",
    "area",
    "impact",
    "urgency",
)


@transaction.atomic
def ticket_update(*, ticket: Ticket, by, now: datetime | None = None, **changes) -> Ticket:
    """Change any of `UPDATABLE_FIELDS`: one event per changed field; a new SLA or queue
    recomputes the due times; a new contract takes the ticket's booked minutes along."""
    now = now or timezone.now()
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise TicketError(
            gettext("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("state", "sla", "queue")
        .get(pk=ticket.pk)
    )
    changed = []
    old_contract_id = ticket.contract_id
    for field, value in changes.items():
        old = getattr(ticket, field)
        if old == value:
            continue
        setattr(ticket, field, value)
        changed.append(field)
        _event(ticket, by, field, old or "", value or "")
    if changed:
        if {"sla", "queue"} & set(changed):
            escalation_recompute(ticket, now)
            changed += ESCALATION_FIELDS
        ticket.save(update_fields=[*changed, "updated_at"])
    if "contract" in changed:
        # The ticket's booked minutes now count for the new contract (ticket row locked).
        contract_ticket_moved(
            ticket=ticket, old_contract_id=old_contract_id, new_contract_id=ticket.contract_id
        )
    return ticket


# --- time -----------------------------------------------------------------------------------


@transaction.atomic
def ticket_add_time(
    *, ticket: Ticket, by, minutes: int, note: str = "", accept_overage: bool = False
) -> TimeEntry:
    """Book time on a ticket.

    When the ticket's contract has reached its hour limit, the entry is only saved if the
    agent accepts additional time (recorded on the entry). The contract row is locked so two
    concurrent entries see each other's minutes; the contract's hour notices are recorded in
    the same transaction.
    """
    if minutes is None or minutes <= 0:
        raise TicketError(gettext("Minutes must be greater than 0."))
    # Lock the ticket, then its contract (the order of every path that moves contract
    # minutes): the contract read under the lock is the one the entry counts for.
    contract_id = (
        Ticket.objects.select_for_update(of=("self",))
        .values_list("contract_id", flat=True)
        .get(pk=ticket.pk)
    )
    contract = None
    if contract_id:
        contract = Contract.objects.select_for_update().get(pk=contract_id)
    overage = bool(contract and contract.limit_reached)
    if overage and not accept_overage:
        raise OverageRequired(contract)
    entry = TimeEntry.objects.create(
        ticket=ticket,
        agent=by,
        minutes=minutes,
        note=note,
        overage_accepted=overage,
        overage_accepted_by=by if overage else None,
        overage_accepted_at=timezone.now() if overage else None,
    )
    _event(ticket, by, "time", to_value=f"{minutes} min")
    if contract is not None:
        contract_minutes_add(contract=contract, minutes=minutes, at=entry.created_at)
        contract_hours_check(contract=contract)
    return entry


# --- email to the customer user -------------------------------------------------------------


CC_MAX = 10  # addresses on one reply's Cc


def cc_addresses(addresses: Iterable[str], *, to: str = "") -> list[str]:
    """The Cc of a reply: the addresses lower-cased, in the order given, without duplicates
    and without the To address; every one must be valid and there may be `CC_MAX` at most."""
    cc, invalid = [], []
    for raw in addresses:
        address = raw.strip().lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(raw.strip())
            continue
        if address != to.lower() and address not in cc:
            cc.append(address)
    if invalid:
        raise TicketError(
            gettext("Not a valid email address: %(addresses)s.") % {"addresses": ", ".join(invalid)}
        )
    if len(cc) > CC_MAX:
        raise TicketError(
            gettext("At most %(max)s Cc addresses, not %(count)s.")
            % {"max": CC_MAX, "count": len(cc)}
        )
    return cc


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    by,
    body: str,
    cc: Iterable[str] = (),
    attachments: Iterable[UploadedFile] = (),
    now: datetime | None = None,
) -> Article:
    """Reply to the customer user, with copies to `cc`.

    1. refuse when the ticket has no customer user with an email address, or a Cc address is
    invalid (`cc_addresses`); 2. a public agent article on the email channel (`article_add`:
    first response, escalation, event); 3. the email owed to the customer user (To) and to
    each Cc, written to the outbox (its Message-ID and addresses stored on the article) and
    delivered after commit, threaded to the ticket's previous message.
    """
    customer_user = ticket.customer_user
    if customer_user is None or not customer_user.email:
        raise TicketError(
            gettext("This ticket has no customer user with an email address to reply to.")
        )
    cc = cc_addresses(cc, to=customer_user.email)
    article = article_add(
        ticket=ticket,
        by=by,
        body=body,
        sender_type=Article.SenderType.AGENT,
        is_public=True,
        channel=Article.ArticleChannel.EMAIL,
        attachments=attachments,
        now=now,
    )
    reply_email_add(article=article, cc=cc)
    return article


@transaction.atomic
def ticket_create_by_email(*, customer_user: CustomerUser, **kwargs) -> Ticket:
    """An email ticket: the agent writes to the customer user.

    The first article is a public agent article (so it is the first response) and is owed to
    the customer user by email (the outbox delivers it after commit), with a Message-ID the
    replies thread under.
    """
    if not customer_user.email:
        raise TicketError(gettext("This customer user has no email address."))
    ticket = ticket_create(
        customer_user=customer_user,
        channel="email",
        sender_type=Article.SenderType.AGENT,
        article_is_public=True,
        **kwargs,
    )
    reply_email_add(article=ticket.first_article)
    return ticket


# --- agent preferences ----------------------------------------------------------------------


@transaction.atomic
def agent_my_queues_set(*, user, queues: Iterable[Queue]):
    """Replace the agent's "my queues" (the caller offers only queues the agent may see)."""
    preferences, _ = AgentPreferences.objects.get_or_create(user=user)
    preferences.my_queues.set(list(queues))
    return preferences


def agent_locale_set(*, user, language: str, time_zone: str) -> None:
    """The agent's language and zone ("" leaves each to the browser and the site)."""
    AgentPreferences.objects.update_or_create(
        user=user, defaults={"language": language, "time_zone": time_zone}
    )


# --- portal: the customer closes a resolved request -------------------------------------------


@transaction.atomic
def ticket_close_by_customer(
    *, ticket: Ticket, by, satisfaction: int, comment: str = "", now: datetime | None = None
) -> Ticket:
    """The customer accepts the solution of a resolved ticket.

    1. lock the row and refuse unless the state type is `resolved` (a closed request is final);
    2. store the satisfaction level (1 very satisfied … 4 very dissatisfied) and comment;
    3. move to state `closed` through `ticket_set_state` (stamps `closed_at`, clears escalation);
    4. a `satisfaction` event.
    """
    ticket = Ticket.objects.select_for_update().select_related("state").get(pk=ticket.pk)
    if ticket.state.state_type != "resolved":
        raise TicketError(gettext("Only a resolved request can be closed."))
    if satisfaction not in (1, 2, 3, 4):
        raise TicketError(gettext("Choose a satisfaction level from 1 to 4."))
    ticket.satisfaction = satisfaction
    ticket.satisfaction_comment = comment
    ticket.save(update_fields=["satisfaction", "satisfaction_comment", "updated_at"])
    _event(ticket, by, "satisfaction", to_value=satisfaction)
    return ticket_set_state(
        ticket=ticket, state=TicketState.objects.get(name="closed"), by=by, now=now
    )
