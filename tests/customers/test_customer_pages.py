import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from customers.models import Customer
from tests import factories
from tests.customers.helpers import HTMX, customer_admin

pytestmark = pytest.mark.django_db


def _rows(response, marker="data-customer="):
    return response.content.decode().count(marker)


def test_customer_list_search_matches_id_and_name(client):
    client.force_login(factories.AgentFactory())
    factories.CustomerFactory(customer_id="ACME", name="Acme Corp")
    factories.CustomerFactory(customer_id="GLOBEX", name="Globex")
    factories.CustomerFactory(customer_id="INITECH", name="Initech Acme Division")

    response = client.get(reverse("customers:list"), {"q": "acme"})

    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-customer="ACME"' in content
    assert 'data-customer="INITECH"' in content
    assert 'data-customer="GLOBEX"' not in content


def test_customer_list_htmx_answers_results_fragment(client):
    client.force_login(factories.AgentFactory())
    factories.CustomerFactory(customer_id="ACME")

    response = client.get(reverse("customers:list"), {"q": "acm"}, headers=HTMX)

    content = response.content.decode()
    assert 'data-customer="ACME"' in content
    assert "<html" not in content


def test_customer_list_pages_by_25(client):
    client.force_login(factories.AgentFactory())
    factories.CustomerFactory.create_batch(30)

    first = client.get(reverse("customers:list"))
    second = client.get(reverse("customers:list"), {"page": 2})

    assert (_rows(first), _rows(second)) == (25, 5)
    assert 'data-total="30"' in first.content.decode()


def test_customer_list_status_filter(client):
    client.force_login(factories.AgentFactory())
    factories.CustomerFactory(customer_id="ON")
    factories.CustomerFactory(customer_id="OFF", is_active=False)

    response = client.get(reverse("customers:list"), {"status": "inactive"})

    assert 'data-customer="OFF"' in response.content.decode()
    assert 'data-customer="ON"' not in response.content.decode()


def test_customer_list_bad_page_is_no_500(client):
    client.force_login(factories.AgentFactory())

    response = client.get(reverse("customers:list"), {"page": "x'; drop", "status": "bogus"})

    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 12])
def test_customer_list_query_count_constant(client, django_assert_num_queries, size):
    client.force_login(factories.AgentFactory())
    for _ in range(size):
        customer = factories.CustomerFactory()
        factories.CustomerUserFactory.create_batch(2, customer=customer)
        factories.ContractFactory(customer=customer)

    # session, user, "Create/Edit Customers" (user and group perms), count, page of customers
    with django_assert_num_queries(5):
        response = client.get(reverse("customers:list"))

    assert _rows(response) == size


def test_customer_create_by_admin(client):
    client.force_login(customer_admin())

    response = client.post(
        reverse("customers:create"),
        {"customer_id": "NEWCO", "name": "New Co", "city": "Berlin", "is_active": "on"},
    )

    customer = Customer.objects.get(customer_id="NEWCO")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:settings", args=["NEWCO"])
    assert (customer.name, customer.city, customer.is_active) == ("New Co", "Berlin", True)


def test_customer_create_invalid_keeps_input(client):
    client.force_login(customer_admin())
    factories.CustomerFactory(customer_id="ACME")

    response = client.post(
        reverse("customers:create"), {"customer_id": "acme", "name": "", "url": "not a url"}
    )

    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors == {
        "customer_id": ["A customer with the ID acme already exists."],
        "name": ["This field is required."],
        "url": ["Enter a valid URL."],
    }
    assert 'value="acme"' in response.content.decode()
    assert Customer.objects.count() == 1


def test_customer_edit_by_admin(client):
    client.force_login(customer_admin())
    customer = factories.CustomerFactory(customer_id="ACME", name="Old")

    response = client.post(
        reverse("customers:edit", args=["ACME"]),
        {"customer_id": "ACME", "name": "New name", "is_active": "on"},
    )

    customer.refresh_from_db()
    assert response.status_code == 302
    assert customer.name == "New name"


def test_customer_write_without_permission_403_and_unchanged(client):
    client.force_login(factories.AgentFactory())
    customer = factories.CustomerFactory(customer_id="ACME", name="Old")

    create = client.post(reverse("customers:create"), {"customer_id": "X", "name": "X"})
    edit = client.post(
        reverse("customers:edit", args=["ACME"]), {"customer_id": "ACME", "name": "Hacked"}
    )
    edit_form = client.get(reverse("customers:edit", args=["ACME"]))

    customer.refresh_from_db()
    assert (create.status_code, edit.status_code, edit_form.status_code) == (403, 403, 403)
    assert customer.name == "Old"
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    ("codenames", "allowed"),
    [(["add_customer", "change_customer"], True), (["change_customer"], False), ([], False)],
)
def test_customer_permission_granted_to_the_user_itself_counts_too(client, codenames, allowed):
    """ "Create/Edit Customers" may come from a group or straight from the user's own
    permissions, and needs both permissions."""
    agent = factories.AgentFactory()
    agent.user_permissions.set(
        Permission.objects.filter(content_type__app_label="customers", codename__in=codenames)
    )
    client.force_login(agent)

    response = client.post(reverse("customers:create"), {"customer_id": "X", "name": "X"})

    assert (response.status_code == 302, Customer.objects.count()) == (allowed, int(allowed))


def test_customer_pages_view_only_agent_sees_no_write_buttons(client):
    client.force_login(factories.AgentFactory())
    factories.CustomerFactory(customer_id="ACME")

    listing = client.get(reverse("customers:list"))
    settings_page = client.get(reverse("customers:settings", args=["ACME"]))

    assert listing.status_code == settings_page.status_code == 200
    assert 'data-action="new-customer"' not in listing.content.decode()
    assert 'data-action="edit-customer"' not in settings_page.content.decode()
    assert 'data-row="add-contact"' not in settings_page.content.decode()


def test_customer_pages_anonymous_redirected_to_login(client):
    factories.CustomerFactory(customer_id="ACME")

    response = client.get(reverse("customers:settings", args=["ACME"]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_customer_pages_portal_user_gets_nothing(client):
    portal_user = factories.PortalUserFactory()
    client.force_login(portal_user.user)

    for url in (
        reverse("customers:list"),
        reverse("customers:contacts", args=[portal_user.customer.customer_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:home")
    response = client.post(
        reverse("customers:contact-add", args=[portal_user.customer.customer_id]),
        {"first_name": "A", "last_name": "B", "email": "ab@example.com"},
    )
    assert response.status_code == 302
    assert portal_user.customer.customer_users.count() == 1


def test_customer_settings_unknown_customer_404(client):
    client.force_login(customer_admin())

    response = client.get(reverse("customers:settings", args=["NOPE"]))

    assert response.status_code == 404


@pytest.mark.parametrize("tab", ["contacts", "contracts", "notification-groups", "locations"])
def test_customer_settings_tab_has_own_url(client, tab):
    client.force_login(customer_admin())
    factories.CustomerFactory(customer_id="ACME")
    url = reverse(f"customers:{tab}", args=["ACME"])

    page = client.get(url)
    fragment = client.get(url, headers=HTMX)

    assert page.status_code == fragment.status_code == 200
    assert f'data-tab-content="{tab}"' in page.content.decode()
    assert "<html" in page.content.decode()
    assert f'data-tab-content="{tab}"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert "HX-Request" in page["Vary"]


def test_navbar_links_customers_list(client):
    client.force_login(factories.AgentFactory())

    response = client.get(reverse("customers:list"))

    assert f'href="{reverse("customers:list")}"' in response.content.decode()


@pytest.mark.parametrize("customer_id", ["a/b", "a\\b", "bell\x07"])
def test_customer_create_refuses_ids_that_cannot_be_in_urls(client, customer_id):
    client.force_login(customer_admin())

    response = client.post(reverse("customers:create"), {"customer_id": customer_id, "name": "X"})

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "customer_id": ["Use letters, digits, spaces and punctuation other than / and \\."]
    }
    assert Customer.objects.count() == 0
