import pytest
from django.contrib.auth.models import Group

from customers import services
from customers.forms import ContactForm, CustomerForm, CustomerUserForm
from customers.models import CustomerUser
from helpdesk.auth import portal_customer_user
from tests import factories

pytestmark = pytest.mark.django_db


def test_customer_user_create_generates_login_from_email():
    customer = factories.CustomerFactory()
    factories.CustomerUserFactory(login="jane.doe")

    cu = services.customer_user_create(
        customer=customer, first_name="Jane", last_name="Doe", email="Jane.Doe@example.com"
    )

    assert cu.login == "jane.doe2"
    assert list(cu.customers.all()) == [customer]


def test_customer_user_create_duplicate_email_refused():
    customer = factories.CustomerFactory()
    factories.CustomerUserFactory(customer=customer, email="a@example.com")

    with pytest.raises(services.CustomerError):
        services.customer_user_create(
            customer=customer, first_name="A", last_name="B", email="A@example.com"
        )

    assert CustomerUser.objects.filter(email__iexact="a@example.com").count() == 1


def test_customer_user_create_with_password_creates_portal_login():
    customer = factories.CustomerFactory()

    cu = services.customer_user_create(
        customer=customer, first_name="A", last_name="B", email="ab@example.com", password="x-y-z-1"
    )

    assert cu.user.username == "ab"
    assert cu.user.check_password("x-y-z-1")


def test_customer_user_deactivate_blocks_portal():
    portal_user = factories.PortalUserFactory()

    services.customer_user_deactivate(customer_user=portal_user)

    portal_user.user.refresh_from_db()
    assert portal_customer_user(portal_user.user) is None
    services.customer_user_reactivate(customer_user=portal_user)
    portal_user.user.refresh_from_db()
    assert portal_customer_user(portal_user.user) == portal_user


def test_customer_user_reactivate_refused_when_email_reused():
    customer = factories.CustomerFactory()
    old = factories.CustomerUserFactory(customer=customer, email="x@example.com", is_active=False)
    factories.CustomerUserFactory(customer=customer, email="x@example.com")

    with pytest.raises(services.CustomerError):
        services.customer_user_reactivate(customer_user=old)

    old.refresh_from_db()
    assert old.is_active is False


def test_customer_admin_group_ensure_grants_perms():
    agent = factories.AgentFactory()
    agent.groups.add(services.customer_admin_group_ensure())

    agent = type(agent).objects.get(pk=agent.pk)
    assert services.can_manage_customers(agent) is True
    assert Group.objects.filter(name=services.CUSTOMER_ADMIN_GROUP).count() == 1


def test_customer_form_duplicate_id_refused():
    factories.CustomerFactory(customer_id="ACME")

    form = CustomerForm(data={"customer_id": "acme", "name": "Acme 2"})

    assert form.errors == {"customer_id": ["A customer with the ID acme already exists."]}


def test_customer_form_save_creates():
    form = CustomerForm(data={"customer_id": "NEW", "name": "New Ltd", "is_active": "on"})
    assert form.is_valid(), form.errors

    customer = form.save()

    assert (customer.customer_id, customer.name, customer.is_active) == ("NEW", "New Ltd", True)


def test_customer_user_form_rules():
    customer = factories.CustomerFactory()
    factories.CustomerUserFactory(customer=customer, login="taken", email="dup@example.com")
    data = {
        "login": "TAKEN",
        "first_name": "A",
        "last_name": "B",
        "email": "dup@example.com",
        "customer": customer.pk,
        "is_active": "on",
    }

    form = CustomerUserForm(data=data)

    assert form.errors == {
        "login": ["This login is already taken."],
        "email": ["A contact with this email already exists for this customer."],
    }


def test_customer_user_form_invalid_email():
    customer = factories.CustomerFactory()
    data = {"first_name": "A", "last_name": "B", "email": "nope", "customer": customer.pk}

    form = CustomerUserForm(data=data)

    assert form.errors == {"email": ["Enter a valid email address."]}


def test_customer_user_form_save_generates_login_and_memberships():
    customer, other = factories.CustomerFactory(), factories.CustomerFactory()
    data = {
        "first_name": "A",
        "last_name": "B",
        "email": "ab@example.com",
        "customer": customer.pk,
        "customers": [other.pk],
        "is_active": "on",
    }
    form = CustomerUserForm(data=data)
    assert form.is_valid(), form.errors

    cu = form.save()

    assert cu.login == "ab"
    assert set(cu.customers.all()) == {customer, other}


def test_contact_form_duplicate_email_message():
    customer = factories.CustomerFactory()
    factories.CustomerUserFactory(customer=customer, email="c@example.com")

    form = ContactForm(
        data={"first_name": "C", "last_name": "D", "email": "C@example.com"}, customer=customer
    )

    assert form.errors == {"email": ["A contact with this email already exists for this customer."]}


def test_contact_form_same_email_other_customer_allowed():
    factories.CustomerUserFactory(email="c@example.com")
    customer = factories.CustomerFactory()

    form = ContactForm(
        data={"first_name": "C", "last_name": "D", "email": "c@example.com"}, customer=customer
    )

    assert form.is_valid()
    assert form.save().customer == customer
