import pytest
from django.urls import reverse

from customers.models import CustomerUser
from helpdesk.auth import portal_customer_user
from tests import factories
from tests.customers.helpers import HTMX, customer_admin

pytestmark = pytest.mark.django_db

DUPLICATE = "A contact with this email already exists for this customer."


@pytest.fixture
def admin_client(client):
    client.force_login(customer_admin())
    return client


def _add(client, customer, **data):
    payload = {"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", **data}
    return client.post(
        reverse("customers:contact-add", args=[customer.customer_id]), payload, headers=HTMX
    )


def test_contacts_tab_lists_only_active_contacts(admin_client):
    customer = factories.CustomerFactory()
    factories.CustomerUserFactory(customer=customer, login="active1")
    factories.CustomerUserFactory(customer=customer, login="gone1", is_active=False)
    factories.CustomerUserFactory(login="other1")

    response = admin_client.get(reverse("customers:contacts", args=[customer.customer_id]))

    content = response.content.decode()
    assert 'data-contact="active1"' in content
    assert 'data-contact="gone1"' not in content
    assert 'data-contact="other1"' not in content
    assert 'data-row="add-contact"' in content


def test_contacts_show_deactivated_lists_them_with_reactivate(admin_client):
    customer = factories.CustomerFactory()
    factories.CustomerUserFactory(customer=customer, login="gone1", is_active=False)

    response = admin_client.get(
        reverse("customers:contacts", args=[customer.customer_id]), {"deactivated": "1"}
    )

    content = response.content.decode()
    assert 'data-list="deactivated"' in content
    assert 'data-contact="gone1"' in content
    assert 'data-action="reactivate"' in content


def test_contact_add_creates_contact_of_customer(admin_client):
    customer = factories.CustomerFactory()

    response = _add(admin_client, customer)

    contact = CustomerUser.objects.get(email="jane@example.com")
    assert response.status_code == 200
    assert (contact.customer, contact.login, contact.is_active) == (customer, "jane", True)
    assert list(contact.customers.all()) == [customer]
    assert 'data-contact="jane"' in response.content.decode()
    assert "showMessage" in response["HX-Trigger"]


def test_contact_add_duplicate_email_refused_on_row(admin_client):
    customer = factories.CustomerFactory()
    factories.CustomerUserFactory(customer=customer, email="jane@example.com")

    response = _add(admin_client, customer, email="JANE@example.com")

    assert response.status_code == 422
    content = response.content.decode()
    assert DUPLICATE in content
    assert 'value="JANE@example.com"' in content
    assert CustomerUser.objects.filter(customer=customer).count() == 1


def test_contact_add_invalid_email_refused(admin_client):
    customer = factories.CustomerFactory()

    response = _add(admin_client, customer, email="not-an-email")

    assert response.status_code == 422
    assert "Enter a valid email address." in response.content.decode()
    assert CustomerUser.objects.filter(customer=customer).count() == 0


def test_contact_add_missing_names_refused(admin_client):
    customer = factories.CustomerFactory()

    response = _add(admin_client, customer, first_name="", last_name="")

    assert response.status_code == 422
    assert response.content.decode().count("This field is required.") == 2
    assert CustomerUser.objects.count() == 0


def test_contact_add_email_of_deactivated_contact_allowed(admin_client):
    customer = factories.CustomerFactory()
    factories.CustomerUserFactory(customer=customer, email="jane@example.com", is_active=False)

    response = _add(admin_client, customer)

    assert response.status_code == 200
    assert CustomerUser.objects.filter(email="jane@example.com", is_active=True).count() == 1


def test_contact_edit_get_turns_row_into_inputs(admin_client):
    contact = factories.CustomerUserFactory(first_name="Ann")
    url = reverse("customers:contact-edit", args=[contact.customer.customer_id, contact.pk])

    response = admin_client.get(url, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-editing="true"' in content
    assert 'name="first_name"' in content
    assert 'value="Ann"' in content


def test_contact_edit_saves_and_answers_plain_row(admin_client):
    contact = factories.CustomerUserFactory(login="ann1")
    url = reverse("customers:contact-edit", args=[contact.customer.customer_id, contact.pk])

    response = admin_client.post(
        url, {"first_name": "Ann", "last_name": "Smith", "email": "ann@new.example"}, headers=HTMX
    )

    contact.refresh_from_db()
    assert response.status_code == 200
    assert (contact.first_name, contact.last_name, contact.email) == (
        "Ann",
        "Smith",
        "ann@new.example",
    )
    assert 'data-contact="ann1"' in response.content.decode()
    assert "data-editing" not in response.content.decode()


def test_contact_edit_duplicate_email_refused_on_row(admin_client):
    customer = factories.CustomerFactory()
    factories.CustomerUserFactory(customer=customer, email="taken@example.com")
    contact = factories.CustomerUserFactory(customer=customer, email="mine@example.com")
    url = reverse("customers:contact-edit", args=[customer.customer_id, contact.pk])

    response = admin_client.post(
        url, {"first_name": "A", "last_name": "B", "email": "taken@example.com"}, headers=HTMX
    )

    contact.refresh_from_db()
    assert response.status_code == 422
    assert DUPLICATE in response.content.decode()
    assert 'data-editing="true"' in response.content.decode()
    assert contact.email == "mine@example.com"


def test_contact_edit_other_customers_contact_404(admin_client):
    customer = factories.CustomerFactory()
    stranger = factories.CustomerUserFactory(first_name="Stranger")
    url = reverse("customers:contact-edit", args=[customer.customer_id, stranger.pk])

    response = admin_client.post(url, {"first_name": "X", "last_name": "Y", "email": "x@y.z"})

    stranger.refresh_from_db()
    assert response.status_code == 404
    assert stranger.first_name == "Stranger"


def test_contact_deactivate_get_is_confirmation_modal(admin_client):
    contact = factories.CustomerUserFactory()
    url = reverse("customers:contact-deactivate", args=[contact.customer.customer_id, contact.pk])

    response = admin_client.get(url, headers=HTMX)

    contact.refresh_from_db()
    assert 'data-modal="deactivate-contact"' in response.content.decode()
    assert contact.is_active is True


def test_contact_deactivate_post_hides_and_blocks_portal(admin_client):
    contact = factories.PortalUserFactory(login="leaver")
    url = reverse("customers:contact-deactivate", args=[contact.customer.customer_id, contact.pk])

    response = admin_client.post(url, headers=HTMX)

    contact.refresh_from_db()
    assert response.status_code == 200
    assert contact.is_active is False
    assert 'data-contact="leaver"' not in response.content.decode()
    assert "closeModal" in response["HX-Trigger"]
    assert portal_customer_user(contact.user) is None


def test_contact_deactivated_cannot_log_into_portal(client):
    contact = factories.PortalUserFactory(is_active=False)

    response = client.post(
        reverse("portal:login"),
        {"username": contact.login, "password": factories.PASSWORD},
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_contact_reactivate(admin_client):
    contact = factories.CustomerUserFactory(login="back", is_active=False)
    url = reverse("customers:contact-reactivate", args=[contact.customer.customer_id, contact.pk])

    response = admin_client.post(url, headers=HTMX)

    contact.refresh_from_db()
    assert response.status_code == 200
    assert contact.is_active is True
    assert 'data-contact="back"' in response.content.decode()


def test_contact_reactivate_refused_when_email_reused(admin_client):
    customer = factories.CustomerFactory()
    contact = factories.CustomerUserFactory(
        customer=customer, email="x@example.com", is_active=False
    )
    factories.CustomerUserFactory(customer=customer, email="x@example.com")
    url = reverse("customers:contact-reactivate", args=[customer.customer_id, contact.pk])

    response = admin_client.post(url, headers=HTMX)

    contact.refresh_from_db()
    assert response.status_code == 422
    assert contact.is_active is False
    assert "uses x@example.com" in response["HX-Trigger"]


def test_contact_writes_without_permission_403_and_unchanged(client):
    client.force_login(factories.AgentFactory())
    customer = factories.CustomerFactory()
    contact = factories.CustomerUserFactory(customer=customer, first_name="Keep")
    gone = factories.CustomerUserFactory(customer=customer, is_active=False)
    cid = customer.customer_id

    responses = [
        _add(client, customer),
        client.post(
            reverse("customers:contact-edit", args=[cid, contact.pk]),
            {"first_name": "X", "last_name": "Y", "email": "x@example.com"},
        ),
        client.get(reverse("customers:contact-edit", args=[cid, contact.pk])),
        client.post(reverse("customers:contact-deactivate", args=[cid, contact.pk])),
        client.post(reverse("customers:contact-reactivate", args=[cid, gone.pk])),
    ]

    contact.refresh_from_db()
    gone.refresh_from_db()
    assert [r.status_code for r in responses] == [403] * 5
    assert (contact.first_name, contact.is_active, gone.is_active) == ("Keep", True, False)
    assert CustomerUser.objects.count() == 2


def test_contact_reactivate_requires_post(admin_client):
    contact = factories.CustomerUserFactory(is_active=False)
    url = reverse("customers:contact-reactivate", args=[contact.customer.customer_id, contact.pk])

    response = admin_client.get(url)

    assert response.status_code == 405


@pytest.mark.parametrize("size", [1, 10])
def test_contacts_tab_query_count_constant(admin_client, django_assert_num_queries, size):
    customer = factories.CustomerFactory()
    factories.CustomerUserFactory.create_batch(size, customer=customer)
    factories.CustomerUserFactory.create_batch(size, customer=customer, is_active=False)
    url = reverse("customers:contacts", args=[customer.customer_id])

    # the "Create/Edit Customers" check is one query
    with django_assert_num_queries(8):
        response = admin_client.get(url, {"deactivated": "1"}, headers=HTMX)

    assert response.content.decode().count("data-contact=") == 2 * size
