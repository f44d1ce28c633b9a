import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import ContractNotification
from contracts.services import contract_save
from customers.models import NotificationEvent
from helpdesk.models import OutboxMessage
from tests import factories
from tests.contracts.helpers import contract_ticket, hour_contract, mails_with
from tests.outbox.helpers import deliver_again, recipients
from tickets.models import TimeEntry
from tickets.services import OverageRequired, ticket_add_time

pytestmark = pytest.mark.django_db

THRESHOLD = "hours used"
LIMIT = "hour limit reached"


def _book(ticket, minutes, capture, accept=False):
    with capture(execute=True):
        return ticket_add_time(
            ticket=ticket, by=factories.AgentFactory(), minutes=minutes, accept_overage=accept
        )


def _people(contract):
    return sorted(
        [
            contract.customer_contact.email,
            contract.support_contact.email,
            contract.support_manager.email,
        ]
    )


def test_threshold_email_once_to_contact_support_and_manager(
    mailoutbox, django_capture_on_commit_callbacks
):
    contract = hour_contract(hours=10, threshold=8)
    ticket = contract_ticket(contract)

    _book(ticket, 7 * 60, django_capture_on_commit_callbacks)
    assert mailoutbox == []
    _book(ticket, 60, django_capture_on_commit_callbacks)
    _book(ticket, 30, django_capture_on_commit_callbacks)

    # one email to each of the three people, once
    assert recipients(mailoutbox) == _people(contract)
    for mail in mailoutbox:
        assert mail.subject == (
            f'[{contract.customer.customer_id}] Contract "{contract.description}": '
            "8.00 of 10.00 hours used"
        )
        assert "8.00 of 10.00 hours" in mail.body
    notice = ContractNotification.objects.get()
    assert (notice.kind, notice.key) == ("threshold", "hours:10.00")
    assert sorted(
        OutboxMessage.objects.filter(key=f"contract:{contract.pk}:hours:10.00").values_list(
            "kind", "recipient", "status"
        )
    ) == [("contract_threshold", email, "sent") for email in _people(contract)]


def test_limit_email_once_to_people_and_subscribed_groups(
    mailoutbox, django_capture_on_commit_callbacks
):
    contract = hour_contract(hours=2, threshold=1)
    member = factories.CustomerUserFactory(customer=contract.customer)
    gone = factories.CustomerUserFactory(customer=contract.customer, is_active=False)
    factories.NotificationGroupFactory(
        customer=contract.customer,
        events=[NotificationEvent.CONTRACT_LIMIT],
    ).customer_users.add(member, gone)
    other_event = factories.NotificationGroupFactory(
        customer=contract.customer, events=[NotificationEvent.TICKET_CREATED]
    )
    other_event.customer_users.add(factories.CustomerUserFactory(customer=contract.customer))
    foreign = factories.NotificationGroupFactory(events=[NotificationEvent.CONTRACT_LIMIT])
    foreign.customer_users.add(factories.CustomerUserFactory(customer=foreign.customer))
    ticket = contract_ticket(contract)

    _book(ticket, 90, django_capture_on_commit_callbacks)
    _book(ticket, 30, django_capture_on_commit_callbacks)
    _book(ticket, 15, django_capture_on_commit_callbacks, accept=True)

    assert recipients(mails_with(mailoutbox, LIMIT)) == sorted([*_people(contract), member.email])
    assert recipients(mails_with(mailoutbox, THRESHOLD)) == _people(contract)


def test_limit_email_includes_group_agents(mailoutbox, django_capture_on_commit_callbacks):
    contract = hour_contract(hours=1, threshold=None)
    group = factories.NotificationGroupFactory(
        customer=contract.customer, events=[NotificationEvent.CONTRACT_LIMIT]
    )
    group_agent = factories.AgentFactory()
    group.agents.add(group_agent)

    _book(contract_ticket(contract), 60, django_capture_on_commit_callbacks)

    assert recipients(mailoutbox) == sorted([*_people(contract), group_agent.email])


def test_one_entry_past_both_sends_both_once(mailoutbox, django_capture_on_commit_callbacks):
    contract = hour_contract(hours=2, threshold=1)

    _book(contract_ticket(contract), 180, django_capture_on_commit_callbacks)

    assert sorted(m.subject.rsplit(":", 1)[1].strip() for m in mailoutbox) == [
        *["3.00 of 2.00 hours used"] * 3,
        *["hour limit reached"] * 3,
    ]
    assert recipients(mails_with(mailoutbox, THRESHOLD)) == _people(contract)
    assert recipients(mails_with(mailoutbox, LIMIT)) == _people(contract)


def test_raising_hours_rearms_both_notices(mailoutbox, django_capture_on_commit_callbacks):
    contract = hour_contract(hours=2, threshold=1)
    ticket = contract_ticket(contract)
    _book(ticket, 120, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2 * 3  # both notices, to three people each

    contract_save(
        customer=contract.customer,
        contract=contract,
        contract_hours=5,
        hours_notification_threshold=4,
        services=[],
    )
    _book(ticket, 60, django_capture_on_commit_callbacks)  # 3 h: below the new threshold
    assert len(mailoutbox) == 2 * 3
    _book(ticket, 60, django_capture_on_commit_callbacks)  # 4 h: new threshold
    _book(ticket, 60, django_capture_on_commit_callbacks)  # 5 h: new limit

    assert recipients(mails_with(mailoutbox, THRESHOLD)) == sorted(_people(contract) * 2)
    assert recipients(mails_with(mailoutbox, LIMIT)) == sorted(_people(contract) * 2)
    assert sorted(ContractNotification.objects.values_list("kind", "key")) == [
        ("limit", "hours:2.00"),
        ("limit", "hours:5.00"),
        ("threshold", "hours:2.00"),
        ("threshold", "hours:5.00"),
    ]


def test_contract_notice_task_repeat_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    contract = hour_contract(hours=2, threshold=1)
    _book(contract_ticket(contract), 60, django_capture_on_commit_callbacks)

    deliver_again()

    assert recipients(mailoutbox) == _people(contract)


def test_overage_refused_without_acceptance(django_capture_on_commit_callbacks):
    contract = hour_contract(hours=1, threshold=None)
    ticket = contract_ticket(contract)
    _book(ticket, 60, django_capture_on_commit_callbacks)

    with pytest.raises(OverageRequired) as prompt:
        _book(ticket, 15, django_capture_on_commit_callbacks)

    assert str(prompt.value) == "This contract has used 1.00 of 1.00 hours. Add additional time?"
    assert TimeEntry.objects.count() == 1


def test_overage_saved_and_marked_when_accepted(django_capture_on_commit_callbacks):
    contract = hour_contract(hours=1, threshold=None)
    ticket = contract_ticket(contract)
    _book(ticket, 60, django_capture_on_commit_callbacks)
    agent = factories.AgentFactory()

    with django_capture_on_commit_callbacks(execute=True):
        entry = ticket_add_time(ticket=ticket, by=agent, minutes=15, accept_overage=True)

    entry.refresh_from_db()
    assert (entry.overage_accepted, entry.overage_accepted_by) == (True, agent)
    assert abs((timezone.now() - entry.overage_accepted_at).total_seconds()) < 60


def test_unrestricted_contract_never_prompts_or_mails(
    mailoutbox, django_capture_on_commit_callbacks
):
    contract = factories.ContractFactory(has_hour_restriction=False)
    ticket = contract_ticket(contract)

    for _ in range(3):
        entry = _book(ticket, 600, django_capture_on_commit_callbacks)

    assert entry.overage_accepted is False
    assert TimeEntry.objects.count() == 3
    assert mailoutbox == []


# --- through the ticket page ----------------------------------------------------------------


def _post_time(client, ticket, **data):
    return client.post(
        reverse("tickets:add-time", args=[ticket.number]),
        {"minutes": 30, "note": "work", **data},
        headers={"HX-Request": "true"},
    )


def test_add_time_page_prompts_and_saves_nothing(
    agent_client, queue, django_capture_on_commit_callbacks
):
    contract = hour_contract(hours=1, threshold=None)
    ticket = contract_ticket(contract, queue=queue)
    factories.TimeEntryFactory(ticket=ticket, minutes=60)

    response = _post_time(agent_client, ticket)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-prompt="overage"' in content
    assert "This contract has used 1.00 of 1.00 hours. Add additional time?" in content
    assert TimeEntry.objects.count() == 1


def test_add_time_page_accepting_saves_marked_entry(
    agent, agent_client, queue, mailoutbox, django_capture_on_commit_callbacks
):
    contract = hour_contract(hours=1, threshold=None)
    ticket = contract_ticket(contract, queue=queue)
    factories.TimeEntryFactory(ticket=ticket, minutes=60)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post_time(agent_client, ticket, accept_overage="on")

    entry = TimeEntry.objects.latest("id")
    assert response.status_code == 200
    assert 'data-prompt="overage"' not in response.content.decode()
    assert (entry.minutes, entry.overage_accepted, entry.overage_accepted_by) == (30, True, agent)


def test_add_time_page_crossing_threshold_sends_email(
    agent_client, queue, mailoutbox, django_capture_on_commit_callbacks
):
    contract = hour_contract(hours=10, threshold=1)
    ticket = contract_ticket(contract, queue=queue)

    with django_capture_on_commit_callbacks(execute=True):
        _post_time(agent_client, ticket, minutes=45)
        _post_time(agent_client, ticket, minutes=45)

    assert [m.subject for m in mailoutbox] == [
        f'[{contract.customer.customer_id}] Contract "{contract.description}": '
        "1.50 of 10.00 hours used"
    ] * 3
    assert recipients(mailoutbox) == _people(contract)


def test_add_time_page_unrestricted_contract_never_prompts(agent_client, queue):
    contract = factories.ContractFactory(has_hour_restriction=False)
    ticket = contract_ticket(contract, queue=queue)
    factories.TimeEntryFactory(ticket=ticket, minutes=6000)

    response = _post_time(agent_client, ticket)

    assert 'data-prompt="overage"' not in response.content.decode()
    assert TimeEntry.objects.count() == 2
