"""`manage.py createagent`: a staff user in teams, with a given, prompted or generated password."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()


def _create(*args) -> str:
    out = StringIO()
    call_command("createagent", *args, stdout=out)
    return out.getvalue()


def test_createagent_creates_staff_user_in_teams_who_sees_their_queues():
    network = factories.TeamFactory(name="Network", queues=[factories.QueueFactory()])
    desk = factories.TeamFactory(name="Service Desk")
    other_queue_ticket = factories.TicketFactory()

    out = _create(
        "alice", "alice@example.com", "--team", "network", "--team", "Service Desk",
        "--password", "a-long-Passphrase-42", "--first-name", "Alice",
    )  # fmt: skip

    assert out == "Created agent alice <alice@example.com>. Teams: Network, Service Desk.\n"
    alice = User.objects.get(username="alice")
    assert (alice.is_staff, alice.is_superuser, alice.is_active, alice.first_name) == (
        True,
        False,
        True,
        "Alice",
    )
    assert alice.check_password("a-long-Passphrase-42")
    assert sorted(alice.helpdesk_teams.values_list("pk", flat=True)) == sorted(
        [network.pk, desk.pk]
    )
    from tickets.models import Ticket

    assert not Ticket.objects.visible_to_agent(alice).filter(pk=other_queue_ticket.pk).exists()


def test_createagent_generates_and_prints_a_password_without_input():
    out = _create("bob", "bob@example.com", "--no-input")

    first, second = out.splitlines()
    assert first == "Created agent bob <bob@example.com>. Teams: none (sees no tickets yet)."
    password = second.removeprefix("Generated password: ")
    assert len(password) == 16
    assert User.objects.get(username="bob").check_password(password)


def test_createagent_unknown_team_creates_nothing():
    factories.TeamFactory(name="Network")

    with pytest.raises(
        CommandError, match=r"^Unknown team\(s\): Nope\. Existing teams: Network\.$"
    ):
        _create("carol", "carol@example.com", "--team", "Nope", "--no-input")

    assert not User.objects.filter(username="carol").exists()


def test_createagent_existing_username_is_refused():
    factories.AgentFactory(username="dave")

    with pytest.raises(CommandError, match=r"^A user named DAVE already exists\.$"):
        _create("DAVE", "dave@example.com", "--no-input")


def test_createagent_invalid_email_is_refused():
    with pytest.raises(CommandError, match="is not a valid email address"):
        _create("erin", "not-an-email", "--no-input")

    assert not User.objects.filter(username="erin").exists()


def test_createagent_weak_password_is_refused():
    with pytest.raises(CommandError, match="too common"):
        _create("frank", "frank@example.com", "--password", "password")

    assert not User.objects.filter(username="frank").exists()
