"""The email channel's admin over HTTP: mail accounts (test the connection, fetch now, the
password never shown) and the read-only log of inbound messages."""

import pytest
from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse

from mailgate.models import InboundMessage, MailAccount
from mailgate.services import message_ingest
from tests import factories
from tests.mailgate.conftest import email_bytes, free_port
from tests.mailgate.helpers import read_only_database
from tickets.models import Ticket, TicketState

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:mailgate_mailaccount_changelist"


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _action(client, action: str, *accounts):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [a.pk for a in accounts]},
        follow=True,
    )


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in response.context["messages"]]


@pytest.mark.imap
def test_test_connection_reports_success_and_fetches_nothing(superuser_client, mailbox):
    account = mailbox.account(name="support")
    mailbox.append(email_bytes())

    response = _action(superuser_client, "test_connection", account)

    assert _messages(response) == [("success", "support: connected, logged in and opened INBOX.")]
    assert InboundMessage.objects.count() == 0
    assert ["\\Seen" in flags for flags in mailbox.flags()] == [False]


def test_test_connection_reports_a_closed_port_and_changes_nothing(superuser_client):
    account = factories.MailAccountFactory(name="nowhere", port=free_port())

    response = _action(superuser_client, "test_connection", account)

    [(level, text)] = _messages(response)
    assert level == "error"
    assert text.startswith(f"nowhere: Cannot connect to 127.0.0.1:{account.port}:")
    account.refresh_from_db()
    assert (account.last_fetch_at, account.last_error) == (None, "")


@pytest.mark.imap
def test_test_connection_reports_a_refused_login(superuser_client, mailbox):
    account = mailbox.account(name="support", password="wrong")

    response = _action(superuser_client, "test_connection", account)

    assert _messages(response) == [
        (
            "error",
            f"support: Login refused for {mailbox.username}: "
            "[AUTHENTICATIONFAILED] Authentication failed.",
        )
    ]


@pytest.mark.imap
def test_fetch_now_takes_the_messages(superuser_client, mailbox):
    account = mailbox.account(name="support")
    mailbox.append(email_bytes())

    response = _action(superuser_client, "fetch_now", account)

    assert _messages(response) == [("success", "support: 1 taken.")]
    assert InboundMessage.objects.get().account == account


def _account_form(account, **changes) -> dict:
    data = {
        "name": account.name,
        "is_active": "on",
        "queue": "",
        "unknown_sender": account.unknown_sender,
        "host": account.host,
        "port": account.port,
        "security": account.security,
        "username": account.username,
        "password": "",
        "folder": account.folder,
    }
    data.update(changes)
    return data


def test_the_password_is_never_shown_and_kept_when_left_blank(superuser_client):
    account = factories.MailAccountFactory(password="s3cr3t-stored")
    url = reverse("admin:mailgate_mailaccount_change", args=[account.pk])

    page = superuser_client.get(url)
    response = superuser_client.post(url, _account_form(account, host="imap.example.com"))

    assert b"s3cr3t-stored" not in page.content
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.host, account.password) == ("imap.example.com", "s3cr3t-stored")


def test_a_new_password_replaces_the_stored_one(superuser_client):
    account = factories.MailAccountFactory(password="old")
    url = reverse("admin:mailgate_mailaccount_change", args=[account.pk])

    superuser_client.post(url, _account_form(account, password="new-one"))

    account.refresh_from_db()
    assert account.password == "new-one"


def test_a_new_account_needs_a_password(superuser_client):
    data = _account_form(MailAccount(name="sales", host="imap.example.com", port=993))

    response = superuser_client.post(reverse("admin:mailgate_mailaccount_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["password"] == ["Enter the mailbox password."]
    assert not MailAccount.objects.exists()


# --- inbound messages ------------------------------------------------------------------------


def test_the_changelist_filters_by_outcome(superuser_client):
    wanted = factories.InboundMessageFactory(outcome="bounce")
    factories.InboundMessageFactory(outcome="new_ticket")

    response = superuser_client.get(
        reverse("admin:mailgate_inboundmessage_changelist"), {"outcome__exact": "bounce"}
    )

    assert [m.pk for m in response.context["cl"].result_list] == [wanted.pk]


def test_inbound_messages_are_read_only(superuser_client):
    message = factories.InboundMessageFactory(subject="As received")
    url = reverse("admin:mailgate_inboundmessage_change", args=[message.pk])

    page = superuser_client.get(url)
    response = superuser_client.post(url, {"subject": "Forged"})
    add = superuser_client.get(reverse("admin:mailgate_inboundmessage_add"))

    message.refresh_from_db()
    assert (page.status_code, response.status_code, add.status_code) == (200, 403, 403)
    assert message.subject == "As received"


def test_a_superuser_sees_and_downloads_the_raw_message(superuser_client):
    message = message_ingest(email_bytes(subject="Keep me raw"))

    page = superuser_client.get(reverse("admin:mailgate_inboundmessage_changelist"))
    raw = superuser_client.get(reverse("mailgate:raw", args=[message.pk]))

    assert reverse("mailgate:raw", args=[message.pk]).encode() in page.content
    assert raw.status_code == 200
    assert b"Subject: Keep me raw" in b"".join(raw.streaming_content)


def test_staff_with_view_permission_see_no_raw_link_and_cannot_download(client):
    message = message_ingest(email_bytes(subject="Not for everyone"))
    staff = factories.AgentFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_inboundmessage"))
    client.force_login(staff)

    page = client.get(reverse("admin:mailgate_inboundmessage_changelist"))
    change = client.get(reverse("admin:mailgate_inboundmessage_change", args=[message.pk]))
    raw = client.get(reverse("mailgate:raw", args=[message.pk]))

    assert page.status_code == change.status_code == 200
    assert b"Not for everyone" in page.content
    assert b"/raw/" not in page.content + change.content
    assert raw.status_code == 403


def test_staff_who_may_only_view_accounts_see_no_password_and_no_actions(client):
    account = factories.MailAccountFactory(password="s3cr3t-stored")
    staff = factories.AgentFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_mailaccount"))
    client.force_login(staff)

    page = client.get(reverse("admin:mailgate_mailaccount_change", args=[account.pk]))
    changelist = client.get(reverse(CHANGELIST))
    response = _action(client, "test_connection", account)

    assert page.status_code == changelist.status_code == 200
    assert b"s3cr3t-stored" not in page.content
    assert b"test_connection" not in changelist.content
    assert (response.status_code, _messages(response)) == (200, [])  # the action did not run


# --- taking a message kept as an error again ---------------------------------------------------

INBOUND = "admin:mailgate_inboundmessage_changelist"


def _take_again(client, *messages):
    return client.post(
        reverse(INBOUND),
        {"action": "take_again", "_selected_action": [m.pk for m in messages]},
        follow=True,
    )


@pytest.fixture
def kept_as_error(db):
    """A new ticket's message that failed because an admin renamed the `new` state."""
    factories.QueueFactory(name="Support", email_address="support@helpdesk.example")
    TicketState.objects.filter(name="new").update(name="new-renamed")
    message = message_ingest(email_bytes(subject="Failed once", to="support@helpdesk.example"))
    assert message.outcome == InboundMessage.Outcome.ERROR
    return message


def _fix():
    TicketState.objects.filter(name="new-renamed").update(name="new")


def test_a_message_kept_as_an_error_is_taken_again_once_the_cause_is_fixed(
    superuser_client, kept_as_error
):
    _fix()
    old_raw = kept_as_error.raw
    raw = old_raw.read()
    old_raw.close()

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _take_again(superuser_client, kept_as_error)

    assert _messages(response) == [("success", "Failed once: taken, New ticket.")]
    message = InboundMessage.objects.get()
    assert message.outcome == InboundMessage.Outcome.NEW_TICKET
    assert message.ticket.title == "Failed once"
    assert message.article.ticket_id == message.ticket_id
    with message.raw.open("rb") as handle:
        assert handle.read() == raw
    assert not old_raw.storage.exists(old_raw.name)
    assert Ticket.objects.count() == 1


def test_a_message_that_still_fails_stays_one_error_with_the_new_detail(
    superuser_client, kept_as_error
):
    response = _take_again(superuser_client, kept_as_error)

    [(level, text)] = _messages(response)
    assert level == "error"
    assert text.startswith("Failed once: still fails: DoesNotExist")
    message = InboundMessage.objects.get()
    assert message.outcome == InboundMessage.Outcome.ERROR
    assert message.raw
    assert Ticket.objects.count() == 0


def test_only_messages_kept_as_an_error_are_taken_again(superuser_client):
    taken = message_ingest(email_bytes(subject="Fine the first time"))

    response = _take_again(superuser_client, taken)

    assert _messages(response) == [
        ("warning", "Fine the first time: only a message kept as an error is taken again.")
    ]
    assert list(InboundMessage.objects.values_list("pk", "outcome")) == [
        (taken.pk, InboundMessage.Outcome.NEW_TICKET)
    ]
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_that_refuses_writes_keeps_the_error_row(superuser_client, kept_as_error):
    _fix()

    with read_only_database():
        response = _take_again(superuser_client, kept_as_error)

    [(level, text)] = _messages(response)
    assert level == "error"
    assert text.startswith("Failed once: not taken, try again later")
    assert list(InboundMessage.objects.values_list("pk", "outcome")) == [
        (kept_as_error.pk, InboundMessage.Outcome.ERROR)
    ]
    assert kept_as_error.raw.storage.exists(kept_as_error.raw.name)
    assert Ticket.objects.count() == 0


def test_staff_who_may_view_messages_cannot_take_them_again(client, kept_as_error):
    _fix()
    staff = factories.AgentFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_inboundmessage"))
    client.force_login(staff)

    changelist = client.get(reverse(INBOUND))
    response = _take_again(client, kept_as_error)

    assert b"take_again" not in changelist.content
    assert (response.status_code, _messages(response)) == (200, [])
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.ERROR
    assert Ticket.objects.count() == 0
