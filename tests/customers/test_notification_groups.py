import pytest
from django.urls import reverse

from customers.models import NotificationGroup
from tests import factories
from tests.customers.helpers import HTMX, customer_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(customer_admin())
    return client


@pytest.fixture
def customer():
    return factories.CustomerFactory(customer_id="ACME")


def _post(client, url, **data):
    return client.post(url, data, headers=HTMX)


def test_group_create_with_events_and_members(admin_client, customer):
    contact = factories.CustomerUserFactory(customer=customer)
    agent = factories.AgentFactory()

    response = _post(
        admin_client,
        reverse("customers:notification-group-create", args=["ACME"]),
        name="IT leads",
        description="Gets the important things",
        is_active="on",
        events=["ticket_created", "contract_limit"],
        customer_users=[contact.pk],
        agents=[agent.pk],
    )

    group = NotificationGroup.objects.get()
    assert response.status_code == 200
    assert "closeModal" in response["HX-Trigger"]
    assert (group.customer, group.name, group.description, group.is_active) == (
        customer,
        "IT leads",
        "Gets the important things",
        True,
    )
    assert group.events == ["ticket_created", "contract_limit"]
    assert (list(group.customer_users.all()), list(group.agents.all())) == ([contact], [agent])
    assert f'data-group="{group.pk}"' in response.content.decode()


def test_group_form_offers_all_events_and_customer_contacts(admin_client, customer):
    mine = factories.CustomerUserFactory(customer=customer)
    theirs = factories.CustomerUserFactory()

    response = admin_client.get(
        reverse("customers:notification-group-create", args=["ACME"]), headers=HTMX
    )

    html = response.content.decode()
    for event in (
        "ticket_created",
        "agent_public_reply",
        "ticket_closed",
        "contract_threshold",
        "contract_limit",
    ):
        assert f'name="events" value="{event}"' in html
    # Contacts are picked from this customer's (the picker's search), never all listed.
    picker = reverse("dashboards:pick-customer-users") + "?customer=ACME"
    assert 'name="customer_users"' in html
    assert f'data-picker="{picker}"' in html
    assert mine.login not in html
    assert theirs.login not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "Dup"}, "This customer already has a notification group named Dup."),
        ({"name": "X", "events": ["bogus"]}, "Select a valid choice. bogus is not one of"),
    ],
)
def test_group_create_invalid_refused(admin_client, customer, data, message):
    factories.NotificationGroupFactory(customer=customer, name="dup")

    response = _post(
        admin_client, reverse("customers:notification-group-create", args=["ACME"]), **data
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert NotificationGroup.objects.count() == 1


def test_group_members_from_other_customer_or_non_agents_refused(admin_client, customer):
    theirs = factories.CustomerUserFactory()
    not_agent = factories.UserFactory()

    response = _post(
        admin_client,
        reverse("customers:notification-group-create", args=["ACME"]),
        name="G",
        customer_users=[theirs.pk],
        agents=[not_agent.pk],
    )

    assert response.status_code == 422
    assert NotificationGroup.objects.count() == 0


def test_group_edit_changes_events_and_deactivates(admin_client, customer):
    group = factories.NotificationGroupFactory(
        customer=customer, name="G", events=["ticket_created"]
    )

    _post(
        admin_client,
        reverse("customers:notification-group-edit", args=["ACME", group.pk]),
        name="G2",
        events=["ticket_closed"],
    )

    group.refresh_from_db()
    assert (group.name, group.events, group.is_active) == ("G2", ["ticket_closed"], False)


def test_group_writes_without_permission_403_and_unchanged(client, customer):
    client.force_login(factories.AgentFactory())
    group = factories.NotificationGroupFactory(customer=customer, name="Keep")

    create = _post(
        client, reverse("customers:notification-group-create", args=["ACME"]), name="New"
    )
    edit = _post(
        client,
        reverse("customers:notification-group-edit", args=["ACME", group.pk]),
        name="Changed",
    )

    group.refresh_from_db()
    assert (create.status_code, edit.status_code) == (403, 403)
    assert group.name == "Keep"
    assert NotificationGroup.objects.count() == 1


def test_group_of_other_customer_404(admin_client, customer):
    foreign = factories.NotificationGroupFactory(name="Theirs")

    response = _post(
        admin_client,
        reverse("customers:notification-group-edit", args=["ACME", foreign.pk]),
        name="Mine",
    )

    foreign.refresh_from_db()
    assert response.status_code == 404
    assert foreign.name == "Theirs"


@pytest.mark.parametrize("size", [1, 6])
def test_groups_tab_query_count_constant(admin_client, django_assert_num_queries, customer, size):
    for _ in range(size):
        group = factories.NotificationGroupFactory(customer=customer, events=["ticket_closed"])
        group.customer_users.add(factories.CustomerUserFactory(customer=customer))

    # the "Create/Edit Customers" check is one query
    with django_assert_num_queries(6):
        response = admin_client.get(
            reverse("customers:notification-groups", args=["ACME"]), headers=HTMX
        )

    assert response.content.decode().count("data-group=") == size
