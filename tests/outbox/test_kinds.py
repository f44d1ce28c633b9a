"""Every kind of email, through the writes that owe it: delivered once, whatever repeats, with
a subject that is one unescaped line whatever the user typed."""

from collections import Counter

import pytest
from django.core import mail

from helpdesk.models import OutboxMessage
from helpdesk.outbox import email_kinds, sweep_outbox
from tests.outbox.helpers import committed, deliver_again
from tests.outbox.scenarios import HOSTILE, periodic_notices, run_writes, world
from tickets.tasks import check_escalations, send_reminders

pytestmark = pytest.mark.django_db

KINDS = [
    "auto_reply",
    "contract_limit",
    "contract_threshold",
    "contract_ticket_closed",
    "escalation",
    "notification_ticket",
    "portal_customer_update",
    "reminder",
    "ticket_reply",
]


def _everything(title="VPN drops", description="Support 2026"):
    w = world(title=title, description=description)
    results = run_writes(w, call=lambda write, w: committed(write, w))
    periodic_notices(w, call=committed)
    return w, results


def _sent_by_message_id() -> Counter:
    return Counter(message.extra_headers["Message-ID"] for message in mail.outbox)


def test_every_registered_kind_is_tested_here():
    assert email_kinds() == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_sent_once_whatever_repeats(kind):
    _, results = _everything()
    rows = list(OutboxMessage.objects.filter(kind=kind))

    assert [status for _, status, _ in results] == [
        302,
        302,
        200,
        200,
        200,
        200,
        302,
        302,
        200,
        200,
    ]
    assert rows, f"no {kind} email was owed"
    assert {row.status for row in rows} == {"sent"}
    sent = _sent_by_message_id()
    assert {row.message_id: sent[row.message_id] for row in rows} == {r.message_id: 1 for r in rows}

    # Repeated delivery tasks, the periodic rules and the sweeper again, a day later.
    committed(deliver_again)
    committed(send_reminders)
    committed(check_escalations)
    committed(sweep_outbox)

    assert _sent_by_message_id() == sent
    assert len(mail.outbox) == OutboxMessage.objects.count()  # every email once, nothing else
    assert [m.to for m in mail.outbox if m.extra_headers["Message-ID"] in sent] == [
        [m.to[0]] for m in mail.outbox
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_a_one_line_unescaped_subject_whatever_was_typed(kind):
    """Line breaks in a ticket title or contract description (the portal accepts them) and
    markup: the subject is one line with the text as typed, the HTML body escapes it."""
    _, results = _everything(title=HOSTILE, description=HOSTILE)
    by_id = {m.extra_headers["Message-ID"]: m for m in mail.outbox}
    messages = [by_id[row.message_id] for row in OutboxMessage.objects.filter(kind=kind)]

    assert {status for _, status, _ in results} <= {200, 302}
    assert messages
    for message in messages:
        assert '<drops> & "stalls" Bcc: x@evil.example' in message.subject
        assert message.subject == " ".join(message.subject.split())  # one line
        assert "&lt;" not in message.subject
        assert "&amp;" not in message.subject
        message.message()  # the headers are valid (BadHeaderError otherwise)
        html = message.alternatives[0].content
        assert "<drops>" not in html
        assert "&lt;drops&gt;" in html
