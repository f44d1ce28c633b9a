"""The rules of intake (DESIGN §10), each with a message on both sides of its boundary."""

from datetime import timedelta

import pytest
from django.core import mail as outbox_mail
from django.utils import timezone

from customers.models import NotificationEvent
from helpdesk.models import OutboxMessage
from mailgate.models import InboundMessage, MailAccount
from tests import factories
from tickets.models import Article, Queue, Ticket
from tickets.services import ticket_reply

from .helpers import ingest, raw_mail

pytestmark = pytest.mark.django_db

Outcome = InboundMessage.Outcome


@pytest.fixture
def support(db):
    return factories.QueueFactory(name="Support", email_address="support@helpdesk.example")


@pytest.fixture
def contact(db):
    return factories.CustomerUserFactory(email="Anna.Berg@Customer.example")


def _ticket_of(contact, queue, **kwargs):
    return factories.TicketFactory(customer_user=contact, queue=queue, **kwargs)


# --- routing -------------------------------------------------------------------------------


def test_the_queue_address_in_to_cc_or_delivered_to_picks_the_queue(support):
    other = factories.QueueFactory(email_address="billing@helpdesk.example")
    assert ingest(raw_mail(to="support@helpdesk.example")).ticket.queue == support
    cc = ingest(raw_mail(to="someone@else.example", cc="Billing <BILLING@helpdesk.example>"))
    assert cc.ticket.queue == other
    delivered = ingest(
        raw_mail(to="list@else.example", headers={"Delivered-To": "support@helpdesk.example"})
    )
    assert delivered.ticket.queue == support


def test_without_a_queue_address_the_account_then_the_pipe_then_the_default_queue(support):
    account_queue = factories.QueueFactory()
    account = factories.MailAccountFactory(queue=account_queue)
    piped_queue = factories.QueueFactory()
    assert ingest(raw_mail(to="x@else.example"), account=account).ticket.queue == account_queue
    assert ingest(raw_mail(to="x@else.example"), queue=piped_queue).ticket.queue == piped_queue
    assert ingest(raw_mail(to="x@else.example")).ticket.queue == Queue.objects.get(
        name="Service Desk"
    )
    # an address beats both
    addressed = ingest(raw_mail(to="support@helpdesk.example"), account=account, queue=piped_queue)
    assert addressed.ticket.queue == support


# --- threading -----------------------------------------------------------------------------


def test_in_reply_to_our_reply_threads_whatever_the_subject(support, contact, agent):
    ticket = _ticket_of(contact, support)
    reply = ticket_reply(ticket=ticket, by=agent, body="Please restart it.")
    answer = ingest(
        raw_mail(sender=contact.email, subject="no number here", in_reply_to=reply.message_id)
    )
    assert answer.outcome == Outcome.FOLLOW_UP
    assert answer.ticket == ticket
    assert answer.article.ticket == ticket


def test_references_to_a_received_message_thread(support, contact):
    first = ingest(raw_mail(sender=contact.email, message_id="<first@customer.example>"))
    second = ingest(
        raw_mail(sender=contact.email, subject="more", in_reply_to="<first@customer.example>")
    )
    assert second.outcome == Outcome.FOLLOW_UP
    assert second.ticket == first.ticket


def test_the_ticket_number_in_the_subject_threads_and_no_marker_is_a_new_ticket(support, contact):
    ticket = _ticket_of(contact, support)
    numbered = ingest(raw_mail(sender=contact.email, subject=f"Re: [Ticket#{ticket.number}] x"))
    plain = ingest(raw_mail(sender=contact.email, subject=f"Re: Ticket {ticket.number}"))
    assert numbered.ticket == ticket
    assert numbered.outcome == Outcome.FOLLOW_UP
    assert plain.outcome == Outcome.NEW_TICKET
    assert plain.ticket != ticket


def test_references_come_before_the_subject_number(support, contact):
    referenced = _ticket_of(contact, support)
    named = _ticket_of(contact, support)
    factories.ArticleFactory(ticket=referenced, message_id="<ref@customer.example>")
    message = ingest(
        raw_mail(
            sender=contact.email,
            subject=f"[Ticket#{named.number}]",
            in_reply_to="<ref@customer.example>",
        )
    )
    assert message.ticket == referenced


# --- who may follow up ---------------------------------------------------------------------


def test_a_stranger_quoting_the_number_gets_a_new_ticket_the_customer_user_does_not(
    support, contact
):
    ticket = _ticket_of(contact, support)
    subject = f"Re: [Ticket#{ticket.number}] Printer"
    articles = ticket.articles.count()

    stranger = ingest(raw_mail(sender="mallory@evil.example", subject=subject))
    assert stranger.outcome == Outcome.NEW_TICKET
    assert stranger.ticket != ticket
    assert ticket.articles.count() == articles
    assert "not on ticket" in stranger.detail

    known = ingest(raw_mail(sender="ANNA.BERG@customer.example", subject=subject))
    assert known.outcome == Outcome.FOLLOW_UP
    assert known.ticket == ticket
    assert ticket.articles.count() == articles + 1


def test_another_active_contact_of_the_customer_may_follow_up_a_deactivated_one_may_not(
    support, contact
):
    ticket = _ticket_of(contact, support)
    colleague = factories.CustomerUserFactory(customer=contact.customer)
    colleague.customers.add(contact.customer)
    gone = factories.CustomerUserFactory(customer=contact.customer, is_active=False)
    gone.customers.add(contact.customer)
    subject = f"[Ticket#{ticket.number}]"
    assert ingest(raw_mail(sender=colleague.email, subject=subject)).ticket == ticket
    assert ingest(raw_mail(sender=gone.email, subject=subject)).ticket != ticket


def test_an_address_already_on_the_thread_may_follow_up(support, contact):
    first = ingest(raw_mail(sender=contact.email, cc="boss@partner.example"))
    ticket = first.ticket
    boss = ingest(raw_mail(sender="boss@partner.example", subject=f"[Ticket#{ticket.number}]"))
    assert boss.outcome == Outcome.FOLLOW_UP
    assert boss.ticket == ticket


# --- who writes ----------------------------------------------------------------------------


def test_the_sender_is_matched_case_insensitively_and_deactivated_contacts_are_unknown(support):
    active = factories.CustomerUserFactory(email="kim@customer.example")
    factories.CustomerUserFactory(email="old@customer.example", is_active=False)
    matched = ingest(raw_mail(sender="Kim <KIM@Customer.Example>"))
    assert matched.ticket.customer_user == active
    assert matched.ticket.customer == active.customer
    unknown = ingest(raw_mail(sender="old@customer.example"))
    assert unknown.ticket.customer_user is None
    assert unknown.ticket.customer is None


def test_unknown_senders_follow_the_account_policy(support):
    create = factories.MailAccountFactory(unknown_sender=MailAccount.UnknownSender.CREATE)
    reject = factories.MailAccountFactory(unknown_sender=MailAccount.UnknownSender.REJECT)
    created = ingest(raw_mail(sender="new@unknown.example"), account=create)
    assert created.outcome == Outcome.NEW_TICKET
    assert created.ticket.customer_user is None
    tickets = Ticket.objects.count()
    rejected = ingest(raw_mail(sender="new@unknown.example"), account=reject)
    assert rejected.outcome == Outcome.REJECTED
    assert rejected.ticket is None
    assert Ticket.objects.count() == tickets
    assert "Unknown sender" in rejected.detail
    # a known sender on the rejecting account is fine
    known = factories.CustomerUserFactory()
    assert ingest(raw_mail(sender=known.email), account=reject).outcome == Outcome.NEW_TICKET


# --- states --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "outcome"),
    [
        (Queue.FollowUpClosed.REOPEN, Outcome.REOPENED),
        (Queue.FollowUpClosed.NEW_TICKET, Outcome.NEW_TICKET),
        (Queue.FollowUpClosed.REJECT, Outcome.REJECTED),
    ],
)
def test_an_answer_to_a_closed_ticket_follows_the_queue(support, contact, policy, outcome):
    support.follow_up_closed = policy
    support.save()
    ticket = _ticket_of(contact, support, state="closed", closed_at=timezone.now())
    articles = ticket.articles.count()
    message = ingest(raw_mail(sender=contact.email, subject=f"[Ticket#{ticket.number}] still"))
    ticket.refresh_from_db()
    assert message.outcome == outcome
    if policy == Queue.FollowUpClosed.REOPEN:
        assert ticket.state.name == "open"
        assert ticket.closed_at is None
        assert ticket.articles.count() == articles + 1
    else:
        assert ticket.state.name == "closed"
        assert ticket.articles.count() == articles
    if policy == Queue.FollowUpClosed.NEW_TICKET:
        assert message.ticket != ticket
        assert f"#{ticket.number}" in message.detail
    if policy == Queue.FollowUpClosed.REJECT:
        assert message.article is None


@pytest.mark.parametrize(
    ("before", "after", "outcome"),
    [
        ("new", "new", Outcome.FOLLOW_UP),
        ("open", "open", Outcome.FOLLOW_UP),
        ("pending", "open", Outcome.FOLLOW_UP),
        ("pending_auto_close", "open", Outcome.FOLLOW_UP),
        ("resolved", "open", Outcome.REOPENED),
    ],
)
def test_a_follow_up_moves_pending_and_resolved_tickets_back_to_open(
    support, contact, before, after, outcome
):
    pending = timezone.now() + timedelta(days=1) if before.startswith("pending") else None
    ticket = _ticket_of(contact, support, state=before, pending_until=pending)
    message = ingest(raw_mail(sender=contact.email, subject=f"[Ticket#{ticket.number}]"))
    ticket.refresh_from_db()
    assert message.outcome == outcome
    assert ticket.state.name == after
    assert ticket.pending_until is None


def test_the_customer_article_counts_as_contact_and_tells_the_owner(support, contact, agent):
    support.teams.add(agent.helpdesk_teams.first())
    ticket = _ticket_of(contact, support, owner=agent)
    before = timezone.now()
    message = ingest(raw_mail(sender=contact.email, subject=f"[Ticket#{ticket.number}]"))
    article = message.article
    assert article.is_public
    assert article.channel == Article.ArticleChannel.EMAIL
    assert article.sender_type == Article.SenderType.CUSTOMER
    assert article.author is None  # the contact has no portal login
    ticket.refresh_from_db()
    assert ticket.customer_contact_at >= before
    assert ticket.update_due is not None
    notice = OutboxMessage.objects.get(kind="portal_customer_update", key=f"article:{article.pk}")
    assert notice.recipient == agent.email.lower()
    assert notice.params["action"] == "update"
    sent = [m for m in outbox_mail.outbox if agent.email.lower() in [t.lower() for t in m.to]]
    assert "by email" in sent[0].body


def _group_of(contact):
    watcher = factories.CustomerUserFactory(
        customer=contact.customer, email="watch@customer.example"
    )
    watcher.customers.add(contact.customer)
    group = factories.NotificationGroupFactory(
        customer=contact.customer, events=[NotificationEvent.TICKET_CREATED]
    )
    group.customer_users.add(watcher)
    return watcher


def test_a_new_ticket_notifies_the_customers_groups_like_a_portal_request(support, contact):
    watcher = _group_of(contact)
    message = ingest(raw_mail(sender=contact.email))
    rows = OutboxMessage.objects.filter(kind="notification_ticket")
    assert list(rows.values_list("recipient", flat=True)) == [watcher.email]
    assert rows.get().params["ticket"] == message.ticket.pk


def test_automatic_mail_from_a_contact_notifies_no_group(support, contact):
    _group_of(contact)
    message = ingest(raw_mail(sender=contact.email, headers={"Auto-Submitted": "auto-generated"}))
    assert message.outcome == Outcome.LOOP
    assert message.ticket.customer_user == contact
    assert not OutboxMessage.objects.filter(kind="notification_ticket").exists()


# --- loops, bounces, auto-replies ----------------------------------------------------------


@pytest.fixture
def auto_support(support):
    support.auto_reply = True
    support.save()
    return support


def _auto_replies(to: str) -> int:
    return OutboxMessage.objects.filter(kind="auto_reply", recipient=to).count()


def test_a_new_ticket_gets_one_auto_reply_when_the_queue_asks(auto_support, support):
    message = ingest(raw_mail(sender="fresh@customer.example", message_id="<m1@customer.example>"))
    assert message.outcome == Outcome.NEW_TICKET
    assert _auto_replies("fresh@customer.example") == 1
    sent = [m for m in outbox_mail.outbox if m.to == ["fresh@customer.example"]]
    assert len(sent) == 1
    headers = sent[0].message()
    assert headers["Auto-Submitted"] == "auto-replied"
    assert headers["In-Reply-To"] == "<m1@customer.example>"
    assert headers["X-Helpdesk-Loop"]
    assert f"[Ticket#{message.ticket.number}]" in headers["Subject"]
    assert headers["From"] == "support@helpdesk.example"


def test_no_auto_reply_when_the_queue_does_not_ask(support):
    ingest(raw_mail(sender="fresh@customer.example"))
    assert _auto_replies("fresh@customer.example") == 0


def test_a_follow_up_gets_no_auto_reply(auto_support, contact):
    ticket = _ticket_of(contact, auto_support)
    ingest(raw_mail(sender=contact.email, subject=f"[Ticket#{ticket.number}]"))
    assert _auto_replies(contact.email.lower()) == 0


def test_auto_replies_are_limited_per_sender_and_hour(auto_support, settings):
    settings.HELPDESK_AUTO_REPLY_PER_HOUR = 2
    now = timezone.now()
    for minute in range(3):
        ingest(raw_mail(sender="chatty@customer.example"), now=now + timedelta(minutes=minute))
    assert _auto_replies("chatty@customer.example") == 2
    limited = InboundMessage.objects.order_by("-id").first()
    assert "No auto-reply" in limited.detail
    ingest(raw_mail(sender="other@customer.example"), now=now + timedelta(minutes=3))
    assert _auto_replies("other@customer.example") == 1


@pytest.mark.parametrize(
    ("headers", "sender", "outcome"),
    [
        ({"Auto-Submitted": "auto-replied"}, "ooo@customer.example", Outcome.LOOP),
        ({"Auto-Submitted": "auto-generated"}, "monitor@customer.example", Outcome.LOOP),
        ({"Precedence": "bulk"}, "news@customer.example", Outcome.LOOP),
        ({"Precedence": "list"}, "list@customer.example", Outcome.LOOP),
        ({"X-Auto-Response-Suppress": "All"}, "exchange@customer.example", Outcome.LOOP),
        ({"X-Helpdesk-Loop": "elsewhere.example"}, "desk@other.example", Outcome.LOOP),
        ({}, "support@helpdesk.example", Outcome.LOOP),
        ({"Return-Path": "<>"}, "someone@customer.example", Outcome.BOUNCE),
        ({}, "MAILER-DAEMON@mx.customer.example", Outcome.BOUNCE),
        ({}, "postmaster@customer.example", Outcome.BOUNCE),
    ],
)
def test_automatic_mail_is_kept_silent(auto_support, headers, sender, outcome):
    message = ingest(raw_mail(sender=sender, headers=headers))
    assert message.outcome == outcome
    assert _auto_replies(sender.lower()) == 0
    assert not OutboxMessage.objects.filter(kind="notification_ticket").exists()
    if outcome == Outcome.LOOP:
        assert message.ticket is not None  # a monitoring alert still becomes a ticket
        assert not message.article.is_public
    else:
        assert message.ticket is None  # a bounce that names no ticket


def test_auto_submitted_no_is_a_person(auto_support):
    message = ingest(raw_mail(sender="person@customer.example", headers={"Auto-Submitted": "no"}))
    assert message.outcome == Outcome.NEW_TICKET
    assert _auto_replies("person@customer.example") == 1


def test_a_bounce_of_our_reply_is_a_system_article_on_the_ticket(support, contact, agent):
    ticket = _ticket_of(contact, support)
    reply = ticket_reply(ticket=ticket, by=agent, body="Answer")
    bounce = ingest(
        raw_mail(
            sender="MAILER-DAEMON@mx.customer.example",
            subject="Undelivered Mail Returned to Sender",
            body="This is the mail system. The address was rejected.",
            in_reply_to=reply.message_id,
        )
    )
    assert bounce.outcome == Outcome.BOUNCE
    assert bounce.ticket == ticket
    assert bounce.article.sender_type == Article.SenderType.SYSTEM
    assert not bounce.article.is_public
    ticket.refresh_from_db()
    assert not OutboxMessage.objects.filter(kind="portal_customer_update").exists()


def test_an_out_of_office_on_the_thread_is_kept_but_changes_nothing(support, contact, agent):
    ticket = _ticket_of(
        contact, support, state="pending", pending_until=timezone.now() + timedelta(days=2)
    )
    reply = ticket_reply(ticket=ticket, by=agent, body="Answer")
    message = ingest(
        raw_mail(
            sender=contact.email,
            subject="Out of office",
            in_reply_to=reply.message_id,
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    ticket.refresh_from_db()
    assert message.outcome == Outcome.LOOP
    assert message.ticket == ticket
    assert message.article is not None
    assert not message.article.is_public
    assert ticket.state.name == "pending"
    assert not OutboxMessage.objects.filter(kind="portal_customer_update").exists()


# --- exactly once --------------------------------------------------------------------------


def test_the_same_message_twice_is_taken_once(support):
    raw = raw_mail(message_id="<once@customer.example>")
    first = ingest(raw)
    again = ingest(raw)
    assert again.pk == first.pk
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.filter(pk=first.ticket.pk).count() == 1
    assert Article.objects.filter(ticket=first.ticket).count() == 1


def test_a_message_without_message_id_is_taken_once_by_its_content(support):
    raw = raw_mail(message_id="")
    first = ingest(raw)
    assert first.message_id.startswith("sha256:")
    assert ingest(raw).pk == first.pk
    other = ingest(raw_mail(message_id="", body="something else"))
    assert other.pk != first.pk
    # the same message piped with LF line endings after it was fetched with CRLF
    assert ingest(raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")).pk == first.pk
    assert ingest(raw.replace(b"\r\n", b"\n")).pk == first.pk


def test_the_raw_message_is_kept(support):
    raw = raw_mail()
    message = ingest(raw)
    with message.raw.open("rb") as handle:
        assert handle.read() == raw


# --- content -------------------------------------------------------------------------------


def test_html_only_mail_becomes_text_with_a_sanitised_html_view(support):
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>Hello <b>team</b>,</p>"
        "<p>the VPN&nbsp;drops.</p><script>alert(1)</script><img src=x onerror=alert(2)>"
        "</body></html>"
    )
    message = ingest(raw_mail(body=None, html=html))
    article = message.article
    assert "Hello team," in article.body
    assert "the VPN\xa0drops." in article.body or "the VPN drops." in article.body
    assert "color:red" not in article.body
    assert "<script" not in article.body_html
    assert "alert(1)" not in article.body_html
    assert "onerror" not in article.body_html
    assert "<b>team</b>" in article.body_html


def test_attachments_within_the_limits_are_kept_and_what_was_dropped_is_said(support, settings):
    settings.HELPDESK_MAX_ATTACHMENT_SIZE = 1024
    settings.HELPDESK_MAX_ATTACHMENTS = 2
    message = ingest(
        raw_mail(
            attachments=[
                ("a.txt", b"a" * 100, "application/octet-stream"),
                ("big.bin", b"b" * 2048, "application/octet-stream"),
                ("c.pdf", b"%PDF-1.4 c", "application/pdf"),
                ("d.png", b"\x89PNG\r\n\x1a\nd", "image/png"),
            ]
        )
    )
    article = message.article
    assert sorted(a.filename for a in article.attachments.all()) == ["a.txt", "c.pdf"]
    note = message.ticket.articles.get(sender_type=Article.SenderType.SYSTEM)
    assert not note.is_public
    assert "big.bin" in note.body
    assert "d.png" in note.body
    assert "big.bin" in message.detail


def test_email_addresses_are_stored_on_the_article(support, contact):
    message = ingest(
        raw_mail(
            sender=f"Anna <{contact.email}>",
            to="Support <support@helpdesk.example>",
            cc="a@x.example, B <B@Y.example>",
            message_id="<addr@customer.example>",
        )
    )
    article = message.article
    assert article.email_from == contact.email.lower()
    assert article.email_to == "support@helpdesk.example"
    assert article.email_cc == "a@x.example,b@y.example"
    assert article.message_id == "<addr@customer.example>"


def test_an_unreadable_message_is_refused_and_nothing_is_written(support):
    from mailgate.services import UnreadableMessage

    for raw in (b"", b"   \r\n", b"\x00\x01\x02 binary junk without headers"):
        with pytest.raises(UnreadableMessage):
            ingest(raw)
    assert not InboundMessage.objects.exists()


def test_a_fault_that_is_not_the_databases_is_kept_as_an_error_and_changes_nothing(
    support, contact
):
    """An admin removed the `open` state: the follow-up to a pending ticket cannot reopen it.
    The message is kept with its raw bytes for an admin, the ticket is as it was."""
    from tickets.models import TicketState

    ticket = _ticket_of(
        contact, support, state="pending", pending_until=timezone.now() + timedelta(days=1)
    )
    TicketState.objects.filter(name="open").delete()
    raw = raw_mail(sender=contact.email, subject=f"[Ticket#{ticket.number}] any news?")

    message = ingest(raw)

    assert message.outcome == Outcome.ERROR
    assert "DoesNotExist" in message.detail
    assert message.ticket is None
    with message.raw.open("rb") as handle:
        assert handle.read() == raw
    ticket.refresh_from_db()
    assert ticket.state.name == "pending"
    assert ticket.articles.count() == 0
    assert ingest(raw).pk == message.pk  # taken once: an admin decides what happens next
