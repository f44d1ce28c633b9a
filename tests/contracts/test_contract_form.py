import re
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import Contract
from tests import factories
from tests.customers.helpers import HTMX, customer_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(customer_admin())
    return client


@pytest.fixture
def setup():
    customer = factories.CustomerFactory(customer_id="ACME")
    return {
        "customer": customer,
        "contact": factories.CustomerUserFactory(customer=customer),
        "agent": factories.AgentFactory(),
        "manager": factories.AgentFactory(),
        "service": factories.ServiceFactory(),
        "sla": factories.SLAFactory(),
    }


def _data(setup, **overrides):
    data = {
        "description": "Managed workplace 2026",
        "purchase_order_number": "PO-4711",
        "customer_contact": setup["contact"].pk,
        "support_contact": setup["agent"].pk,
        "support_manager": setup["manager"].pk,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "has_hour_restriction": "on",
        "contract_hours": "40",
        "hours_notification_threshold": "30",
        "services": [setup["service"].pk],
        "sla": setup["sla"].pk,
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _field_errors(response, field):
    """The error messages crispy renders under the field."""
    pattern = rf'id="error_\d+_id_{field}"[^>]*><strong>(.*?)</strong>'
    return re.findall(pattern, response.content.decode())


def _create(client, data):
    return client.post(reverse("customers:contract-create", args=["ACME"]), data, headers=HTMX)


def test_contract_create_saves_every_field(admin_client, setup):
    response = _create(admin_client, _data(setup))

    contract = Contract.objects.get()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#tab-content"
    assert "closeModal" in response["HX-Trigger"]
    assert (
        contract.customer,
        contract.description,
        contract.purchase_order_number,
        contract.customer_contact,
        contract.support_contact,
        contract.support_manager,
        str(contract.start_date),
        str(contract.end_date),
        contract.has_hour_restriction,
        contract.contract_hours,
        contract.hours_notification_threshold,
        list(contract.services.all()),
        contract.sla,
        contract.is_active,
    ) == (
        setup["customer"],
        "Managed workplace 2026",
        "PO-4711",
        setup["contact"],
        setup["agent"],
        setup["manager"],
        "2026-01-01",
        "2026-12-31",
        True,
        Decimal("40.00"),
        Decimal("30.00"),
        [setup["service"]],
        setup["sla"],
        True,
    )
    assert f'data-contract="{contract.pk}"' in response.content.decode()


def test_contract_create_without_restriction_drops_hours(admin_client, setup):
    response = _create(admin_client, _data(setup, has_hour_restriction=None))

    contract = Contract.objects.get()
    assert response.status_code == 200
    assert (contract.has_hour_restriction, contract.contract_hours) == (False, None)
    assert contract.hours_notification_threshold is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": ""}, "description", "This field is required."),
        ({"customer_contact": ""}, "customer_contact", "This field is required."),
        ({"support_contact": ""}, "support_contact", "This field is required."),
        ({"start_date": ""}, "start_date", "This field is required."),
        ({"start_date": "31.02.2026"}, "start_date", "Enter a valid date."),
        (
            {"end_date": "2025-12-31"},
            "end_date",
            "The end date cannot be before the start date.",
        ),
        (
            {"contract_hours": "", "hours_notification_threshold": ""},
            "contract_hours",
            "Contract hours are required when hours are restricted.",
        ),
        (
            {"contract_hours": "0", "hours_notification_threshold": ""},
            "contract_hours",
            "Contract hours must be greater than 0.",
        ),
        (
            {"hours_notification_threshold": "0"},
            "hours_notification_threshold",
            "The threshold must be greater than 0.",
        ),
        (
            {"hours_notification_threshold": "40"},
            "hours_notification_threshold",
            "The threshold must be below the contract hours.",
        ),
        ({"contract_hours": "lots"}, "contract_hours", "Enter a number."),
    ],
)
def test_contract_create_invalid_refused_with_message(
    admin_client, setup, overrides, field, message
):
    response = _create(admin_client, _data(setup, **overrides))

    assert response.status_code == 422
    assert _field_errors(response, field) == [message]
    assert Contract.objects.count() == 0


def test_contract_contact_of_other_customer_refused(admin_client, setup):
    stranger = factories.CustomerUserFactory()

    response = _create(admin_client, _data(setup, customer_contact=stranger.pk))

    assert response.status_code == 422
    assert _field_errors(response, "customer_contact") == [
        "Choose an active contact of this customer."
    ]
    assert Contract.objects.count() == 0


def test_contract_deactivated_contact_refused(admin_client, setup):
    gone = factories.CustomerUserFactory(customer=setup["customer"], is_active=False)

    response = _create(admin_client, _data(setup, customer_contact=gone.pk))

    assert _field_errors(response, "customer_contact") == [
        "Choose an active contact of this customer."
    ]
    assert Contract.objects.count() == 0


def test_contract_support_people_must_be_agents(admin_client, setup):
    not_agent = factories.UserFactory()

    response = _create(
        admin_client, _data(setup, support_contact=not_agent.pk, support_manager=not_agent.pk)
    )

    assert (
        _field_errors(response, "support_contact"),
        _field_errors(response, "support_manager"),
    ) == (
        ["The support contact must be an agent."],
        ["The support manager must be an agent."],
    )
    assert Contract.objects.count() == 0


def test_contract_edit_changes_hours(admin_client, setup):
    contract = factories.ContractFactory(
        customer=setup["customer"],
        customer_contact=setup["contact"],
        has_hour_restriction=True,
        contract_hours=10,
    )
    url = reverse("customers:contract-edit", args=["ACME", contract.pk])

    form = admin_client.get(url, headers=HTMX)
    response = admin_client.post(url, _data(setup, contract_hours="60"), headers=HTMX)

    contract.refresh_from_db()
    assert 'data-form="contract"' in form.content.decode()
    assert response.status_code == 200
    assert contract.contract_hours == Decimal("60.00")


def test_contract_edit_of_other_customer_404(admin_client, setup):
    other = factories.ContractFactory(description="Theirs")
    url = reverse("customers:contract-edit", args=["ACME", other.pk])

    response = admin_client.post(url, _data(setup))

    other.refresh_from_db()
    assert response.status_code == 404
    assert other.description == "Theirs"


def test_contract_writes_without_permission_403_and_unchanged(client, setup):
    client.force_login(factories.AgentFactory())
    contract = factories.ContractFactory(customer=setup["customer"], description="Keep")

    create = _create(client, _data(setup))
    edit = client.post(
        reverse("customers:contract-edit", args=["ACME", contract.pk]),
        _data(setup, description="Changed"),
    )

    contract.refresh_from_db()
    assert (create.status_code, edit.status_code) == (403, 403)
    assert contract.description == "Keep"
    assert Contract.objects.count() == 1


def test_contracts_tab_shows_hours_used_and_limit(admin_client, setup):
    contract = factories.ContractFactory(
        customer=setup["customer"],
        customer_contact=setup["contact"],
        has_hour_restriction=True,
        contract_hours=10,
        hours_notification_threshold=8,
    )
    ticket = factories.TicketFactory(contract=contract, customer_user=setup["contact"])
    factories.TimeEntryFactory(ticket=ticket, minutes=150)

    response = admin_client.get(reverse("customers:contracts", args=["ACME"]))

    content = response.content.decode()
    assert "<span data-hours-used>2.50</span> / <span data-hours-limit>10.00</span>" in content
    assert 'data-progress="25"' in content


@pytest.mark.parametrize("size", [1, 8])
def test_contracts_tab_query_count_constant(admin_client, django_assert_num_queries, setup, size):
    for _ in range(size):
        contract = factories.ContractFactory(
            customer=setup["customer"], customer_contact=setup["contact"]
        )
        factories.TimeEntryFactory(ticket=factories.TicketFactory(contract=contract))

    # the "Create/Edit Customers" check is one query; the hours over time of the page's
    # contracts, grouped by contract and day, one more
    with django_assert_num_queries(7):
        response = admin_client.get(reverse("customers:contracts", args=["ACME"]), headers=HTMX)

    assert response.content.decode().count("data-contract=") == size
