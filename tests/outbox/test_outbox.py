"""The outbox on any machine: written in the transaction of the change, delivered after commit
without a broker, left-over rows delivered by `send_outbox`, a broker that is down never
failing a write, and the Celery settings that keep tasks through a worker's death."""

import json
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from helpdesk import outbox
from helpdesk.celery import app as celery_app
from helpdesk.models import OutboxMessage
from helpdesk.outbox import outbox_add
from tests import factories
from tests.outbox.conftest import broker, free_port
from tests.outbox.helpers import committed
from tests.outbox.scenarios import HOSTILE, WRITES, run_writes, world
from tickets.services import TicketError, ticket_reply

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
REDIRECTS = {"phone ticket", "email ticket", "portal request", "portal update"}


@pytest.fixture
def ticket(queue):
    return factories.TicketFactory(queue=queue, state="open", title="Printer jammed")


def _reply(client, ticket, body="We are on it.", cc=""):
    url = reverse("tickets:reply", args=[ticket.number])
    return client.post(url, {"body": body, "cc": cc}, headers=HX)


# --- writing ----------------------------------------------------------------------------------


def test_a_write_that_rolls_back_owes_no_email(agent, ticket):
    def reply_then_fail():
        with transaction.atomic():
            ticket_reply(ticket=ticket, by=agent, body="Draft")
            raise TicketError("the change failed after the reply")

    with pytest.raises(TicketError):
        reply_then_fail()

    assert OutboxMessage.objects.count() == 0
    assert ticket.articles.count() == 0


def test_owing_the_same_email_again_is_a_no_op(agent, ticket):
    params = {"ticket": ticket.pk, "due": timezone.now().isoformat()}
    key = f"ticket:{ticket.pk}:pending:x"

    first = outbox_add(kind="reminder", key=key, recipients=[agent.email], params=params)
    again = outbox_add(kind="reminder", key=key, recipients=[agent.email.upper()], params=params)

    assert (first, again) == (1, 1)  # the same pending row
    assert OutboxMessage.objects.count() == 1


def test_addresses_are_normalised_and_invalid_ones_dropped(ticket):
    outbox_add(
        kind="reminder",
        key="ticket:1:pending:x",
        recipients=[" Ada@Example.COM ", "ada@example.com", "bad\n@example.com", "", "nobody"],
        params={"ticket": ticket.pk, "due": timezone.now().isoformat()},
    )

    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == ["ada@example.com"]


def test_an_unknown_kind_is_refused_when_written(ticket):
    with pytest.raises(Exception, match="No builder for the email kind 'nonsense'"):
        outbox_add(kind="nonsense", key="x", recipients=["a@example.com"])


def test_each_row_has_its_message_id_fixed_when_written(agent_client, ticket):
    committed(_reply, agent_client, ticket)
    row = OutboxMessage.objects.get()
    article = ticket.articles.get()

    assert row.message_id == article.message_id
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_a_fixed_message_id_is_shared_by_every_recipient_else_each_row_has_its_own(
    agent_client, ticket
):
    committed(_reply, agent_client, ticket, cc="boss@example.com")
    article = ticket.articles.get()
    outbox_add(
        kind="reminder",
        key="ticket:1:pending:x",
        recipients=["a@example.com", "b@example.com"],
        params={"ticket": ticket.pk, "due": timezone.now().isoformat()},
    )

    replies = OutboxMessage.objects.filter(kind="ticket_reply")
    assert sorted(replies.values_list("recipient", "message_id")) == sorted(
        [("boss@example.com", article.message_id), (ticket.customer_user.email, article.message_id)]
    )
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [article.message_id] * 2
    reminders = OutboxMessage.objects.filter(kind="reminder").values_list("message_id", flat=True)
    assert len(set(reminders)) == 2


# --- no broker (`make run`): delivery right after commit ---------------------------------------


@TRANSACTIONAL
def test_no_broker_delivers_right_after_the_commit(agent, ticket, client):
    client.force_login(agent)

    response = _reply(client, ticket)  # a real commit: no test transaction around it

    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [[ticket.customer_user.email]]
    assert OutboxMessage.objects.get().status == "sent"


@TRANSACTIONAL
def test_no_broker_console_backend_prints_the_email(agent, ticket, client, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    client.force_login(agent)

    _reply(client, ticket)

    printed = capsys.readouterr().out
    assert f"Subject: [Ticket#{ticket.number}] Re: Printer jammed" in printed
    assert f"To: {ticket.customer_user.email}" in printed
    assert OutboxMessage.objects.get().status == "sent"


def test_send_outbox_delivers_rows_left_pending_once(agent_client, ticket):
    # The test transaction never commits: the reply's delivery after commit never runs, as
    # when a process dies between its commit and the delivery.
    _reply(agent_client, ticket)
    assert (OutboxMessage.objects.get().status, mail.outbox) == ("pending", [])
    out = StringIO()

    call_command("send_outbox", stdout=out)
    call_command("send_outbox", stdout=out)

    assert out.getvalue() == (
        "Sent 1 email(s), skipped 0, 0 attempt(s) failed.\n"
        "Sent 0 email(s), skipped 0, 0 attempt(s) failed.\n"
    )
    assert [m.to for m in mail.outbox] == [[ticket.customer_user.email]]


# --- a broker that is down ---------------------------------------------------------------------


@TRANSACTIONAL
def test_broker_down_every_write_succeeds_quickly_and_its_emails_wait(caplog):
    """Redis unreachable (a closed port): no write answers 500 after its commit, none waits
    on the broker, and every email it owes is in the outbox; `send_outbox` delivers each once."""
    w = world()

    with broker(f"redis://127.0.0.1:{free_port()}/3"):
        results = run_writes(w)

    refused = [r for r in caplog.records if r.getMessage().startswith("Outbox: broker unavailable")]
    assert len(refused) == 1  # then the writes leave the broker alone for a while

    assert [(what, status) for what, status, _ in results] == [
        (what, 302 if what in REDIRECTS else 200) for what in WRITES
    ]
    assert max(seconds for _, _, seconds in results) < 1.0
    owed = OutboxMessage.objects.count()
    assert owed == OutboxMessage.objects.filter(status="pending").count() > 0
    assert mail.outbox == []

    call_command("send_outbox", stdout=StringIO())
    call_command("send_outbox", stdout=StringIO())

    assert OutboxMessage.objects.filter(status="sent").count() == owed
    assert len(mail.outbox) == owed
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == owed


# --- Celery ------------------------------------------------------------------------------------


def test_celery_keeps_a_task_until_it_ran_and_sweeps_every_minute():
    conf = celery_app.conf
    assert (conf.task_acks_late, conf.task_reject_on_worker_lost) == (True, True)
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_publish_retry is False
    assert conf.broker_transport_options["max_retries"] == 0
    sweep = settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]
    assert sweep == {"task": "helpdesk.tasks.sweep_outbox", "schedule": timedelta(minutes=1)}


def test_healthz_reports_overdue_emails(client, agent_client, ticket, settings):
    settings.CELERY_BROKER_URL = None
    _reply(agent_client, ticket)  # owed, never delivered (no commit)
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=11))

    response = client.get(reverse("healthz"))

    assert response.status_code == 200  # detail, not a reason to take the instance out
    assert json.loads(response.content)["outbox"] == {"failed": 0, "overdue": 1}


@TRANSACTIONAL
def test_line_breaks_and_markup_in_titles_answer_no_500_and_mail_one_line_subjects():
    """A line break in a ticket title or a contract description made the customer-update and
    contract emails raise BadHeaderError inside the request, after its commit (a 500, and a
    copy more with every retry); some subjects came HTML-escaped."""
    w = world(title=HOSTILE, description=HOSTILE)

    results = run_writes(w)  # real commits: each delivery runs inside its request

    assert [(what, status) for what, status, _ in results] == [
        (what, 302 if what in REDIRECTS else 200) for what in WRITES
    ]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == OutboxMessage.objects.count()
    for message in mail.outbox:
        assert message.subject == " ".join(message.subject.split())
        assert "&lt;" not in message.subject


@TRANSACTIONAL
def test_broker_down_is_tried_again_after_a_pause(agent, ticket, client, caplog, monkeypatch):
    monkeypatch.setattr(outbox._BrokerPause, "SECONDS", 0.5)
    client.force_login(agent)

    with broker(f"redis://127.0.0.1:{free_port()}/3"):
        _reply(client, ticket, "First")  # refused: the pause starts
        _reply(client, ticket, "Second")  # within the pause: not tried
        time.sleep(0.6)
        _reply(client, ticket, "Third")  # tried again

    refused = [r for r in caplog.records if r.getMessage().startswith("Outbox: broker unavailable")]
    assert len(refused) == 2
    assert OutboxMessage.objects.filter(status="pending").count() == 3
