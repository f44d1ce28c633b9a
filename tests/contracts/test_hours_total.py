"""Contract hours used is a stored running total (`Contract.minutes_used`).

DESIGN §4: `hours_used` comes from the time entries of the contract's tickets. Every path that
books, moves or removes time keeps the stored total equal to that sum; each test changes time
through one path (over HTTP where there is a page for it) and compares the stored total with
the rule summed again (`with_minutes_recounted`), then checks a page shows the stored value.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import Contract
from contracts.services import contract_save, contracts_recount
from tests import factories
from tests.admin.helpers import admin_data
from tests.contracts.helpers import contract_ticket, hour_contract
from tickets.models import Ticket, TimeEntry

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def minutes(contract) -> tuple[int, int]:
    """(stored total, the rule's sum now) of the contract."""
    row = Contract.objects.with_minutes_recounted().get(pk=contract.pk)
    return row.minutes_used, row.minutes_recounted


def assert_total(contract, expected: int):
    assert minutes(contract) == (expected, expected)


@pytest.fixture
def contract(queue):
    return hour_contract(hours=100, threshold=90)


@pytest.fixture
def ticket(contract, queue):
    return contract_ticket(contract, queue=queue)


def book(client, ticket, minutes, **extra):
    return client.post(
        reverse("tickets:add-time", args=[ticket.number]),
        {"minutes": str(minutes), "note": "work", **extra},
        headers=HX,
    )


def update(client, ticket, **data):
    return client.post(reverse("tickets:update", args=[ticket.number]), data, headers=HX)


# --- the agent's pages ----------------------------------------------------------------------


def test_booking_time_adds_to_the_total_and_pages_show_it(agent_client, contract, ticket):
    other = contract_ticket(contract, queue=ticket.queue)

    assert book(agent_client, ticket, 90).status_code == 200
    assert book(agent_client, other, 45).status_code == 200
    assert book(agent_client, ticket, 15).status_code == 200

    assert_total(contract, 150)
    zoom = agent_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "2.50 of 100.00 hours used" in zoom
    widget = agent_client.get(
        reverse(
            "dashboards:widget",
            args=["cic", contract.customer.customer_id, "customer-information"],
        ),
        headers=HX,
    ).content.decode()
    assert "2.50 / 100.00 h used" in widget


def test_refused_overage_adds_nothing(agent_client, queue):
    contract = hour_contract(hours=1, threshold=None)
    ticket = contract_ticket(contract, queue=queue)
    book(agent_client, ticket, 60)

    response = book(agent_client, ticket, 30)
    assert 'data-prompt="overage"' in response.content.decode()
    assert_total(contract, 60)

    book(agent_client, ticket, 30, accept_overage="on")
    assert_total(contract, 90)


def test_booking_on_a_ticket_without_contract_changes_no_contract(agent_client, contract, queue):
    plain = factories.TicketFactory(queue=queue, customer=contract.customer)
    book(agent_client, plain, 30)

    assert TimeEntry.objects.filter(ticket=plain).count() == 1
    assert_total(contract, 0)


def test_booking_counts_for_the_contract_the_ticket_has_now(agent_client, contract, ticket):
    """The view's ticket may be older than a contract change: the locked row decides."""
    second = factories.ContractFactory(customer=contract.customer)
    Ticket.objects.filter(pk=ticket.pk).update(contract=second)  # ticket has no time yet

    book(agent_client, ticket, 30)

    assert_total(contract, 0)
    assert_total(second, 30)


def test_moving_a_ticket_to_another_contract_moves_its_minutes(agent_client, contract, ticket):
    second = factories.ContractFactory(customer=contract.customer)
    staying = contract_ticket(contract, queue=ticket.queue)
    book(agent_client, ticket, 120)
    book(agent_client, staying, 30)

    assert update(agent_client, ticket, contract=second.pk).status_code == 200

    assert_total(contract, 30)
    assert_total(second, 120)

    update(agent_client, ticket, contract="")  # off any contract
    assert Ticket.objects.get(pk=ticket.pk).contract_id is None
    assert_total(second, 0)
    assert_total(contract, 30)

    update(agent_client, ticket, contract=contract.pk)  # back onto one
    assert_total(contract, 150)


def test_changing_other_fields_leaves_the_total(agent_client, contract, ticket):
    book(agent_client, ticket, 60)
    update(agent_client, ticket, priority="1")
    assert_total(contract, 60)


def test_a_ticket_created_on_a_contract_starts_with_no_minutes(agent_client, contract, queue):
    book(agent_client, contract_ticket(contract, queue=queue), 45)
    response = agent_client.post(
        reverse("tickets:new-phone"),
        {
            "customer": contract.customer.customer_id,
            "customer_user": contract.customer_contact.login,
            "title": "New on the contract",
            "body": "Hello",
            "queue": queue.pk,
            "state": "new",
            "priority": "2",
            "contract": contract.pk,
        },
    )

    assert response.status_code == 302
    assert Ticket.objects.filter(contract=contract).count() == 2
    assert_total(contract, 45)


def test_editing_the_contract_keeps_minutes_booked_meanwhile(admin_client, contract, ticket):
    """Contract edits (the admin form, `contract_save` with an instance read earlier) must not
    write back a total read before time was booked."""
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    data = admin_data(admin_client.get(url))
    stale = Contract.objects.get(pk=contract.pk)
    factories.TimeEntryFactory(ticket=ticket, minutes=75)

    data["description"] = "Renamed"
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Contract.objects.get(pk=contract.pk).description == "Renamed"
    assert_total(contract, 75)
    contract_save(
        customer=contract.customer,
        contract=stale,
        description="Renamed again",
        customer_contact=contract.customer_contact,
        support_contact=contract.support_contact,
        has_hour_restriction=True,
        contract_hours=Decimal("100"),
        hours_notification_threshold=Decimal("90"),
    )
    assert Contract.objects.get(pk=contract.pk).description == "Renamed again"
    assert_total(contract, 75)


def test_admin_contract_edit_is_validated_like_the_customer_settings(admin_client, contract):
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    data = admin_data(admin_client.get(url))
    data.update(has_hour_restriction="on", contract_hours="10", hours_notification_threshold="12")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "hours_notification_threshold" in response.context["adminform"].form.errors
    assert Contract.objects.get(pk=contract.pk).contract_hours == contract.contract_hours


# --- admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_ticket_contract_change_moves_its_minutes(admin_client, contract, ticket):
    second = factories.ContractFactory(customer=contract.customer)
    factories.TimeEntryFactory(ticket=ticket, minutes=50)
    factories.TimeEntryFactory(ticket=contract_ticket(contract), minutes=10)
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    data = admin_data(admin_client.get(url))
    data["contract"] = second.pk

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Ticket.objects.get(pk=ticket.pk).contract_id == second.pk
    assert_total(contract, 10)
    assert_total(second, 50)


def test_admin_ticket_delete_and_bulk_delete_recount(admin_client, contract, ticket):
    others = [contract_ticket(contract) for _ in range(3)]
    factories.TimeEntryFactory(ticket=ticket, minutes=40)
    for other in others:
        factories.TimeEntryFactory(ticket=other, minutes=5)

    response = admin_client.post(
        reverse("admin:tickets_ticket_delete", args=[ticket.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert_total(contract, 15)

    response = admin_client.post(
        reverse("admin:tickets_ticket_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [others[0].pk, others[1].pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert_total(contract, 5)


def test_admin_time_entry_edit_move_and_delete_recount(admin_client, contract, ticket):
    second = factories.ContractFactory(customer=contract.customer)
    elsewhere = contract_ticket(second)
    entry = factories.TimeEntryFactory(ticket=ticket, minutes=30)
    factories.TimeEntryFactory(ticket=ticket, minutes=20)
    url = reverse("admin:tickets_timeentry_change", args=[entry.pk])

    data = admin_data(admin_client.get(url))
    data["minutes"] = 45
    assert admin_client.post(url, data).status_code == 302
    assert_total(contract, 65)

    data["ticket"] = elsewhere.pk  # booked on the wrong ticket: moved
    assert admin_client.post(url, data).status_code == 302
    assert_total(contract, 20)
    assert_total(second, 45)

    response = admin_client.post(
        reverse("admin:tickets_timeentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert_total(second, 0)

    rest = list(TimeEntry.objects.values_list("pk", flat=True))
    admin_client.post(
        reverse("admin:tickets_timeentry_changelist"),
        {"action": "delete_selected", "_selected_action": rest, "post": "yes"},
    )
    assert TimeEntry.objects.count() == 0
    assert_total(contract, 0)


def test_admin_cannot_add_time_entries(admin_client):
    assert admin_client.get(reverse("admin:tickets_timeentry_add")).status_code == 403


# --- backfill and recount -------------------------------------------------------------------


def test_recount_and_the_migration_backfill_store_the_rule(contract, ticket):
    import importlib

    from django.apps import apps

    factories.TimeEntryFactory(ticket=ticket, minutes=30)
    factories.TimeEntryFactory(ticket=contract_ticket(contract), minutes=12)
    empty = factories.ContractFactory()
    Contract.objects.update(minutes_used=999)  # drifted (or never filled)

    assert contracts_recount([contract.pk]) == 1
    assert_total(contract, 42)
    assert minutes(empty) == (999, 0)

    assert contracts_recount() == 1
    assert_total(empty, 0)

    Contract.objects.update(minutes_used=0)
    migration = importlib.import_module("contracts.migrations.0003_contract_minutes_used")
    migration.backfill(apps, None)
    assert_total(contract, 42)
    assert_total(empty, 0)
