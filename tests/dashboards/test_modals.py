"""Add / edit modals: customer users in the CIC, customers in the CUIC."""

import json

import pytest
from django.urls import reverse

from customers.models import Customer, CustomerUser
from customers.services import customer_admin_group_ensure
from tests import factories

from .helpers import HX, widget_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, agent):
    agent.groups.add(customer_admin_group_ensure())
    client.force_login(agent)
    return client


def user_data(customer, **overrides):
    data = {
        "login": "new.user",
        "first_name": "New",
        "last_name": "User",
        "email": "new.user@acme.example",
        "customer": customer.pk,
        "customers": [customer.pk],
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_add_button_and_pencil_show_for_a_customer_manager(manager_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    factories.CustomerUserFactory(customer=acme)

    html = manager_client.get(widget_url("cic", "ACME", "customer-users"), headers=HX).content
    html = html.decode()

    assert reverse("dashboards:customer-user-add", args=["ACME"]) in html
    assert 'data-action="edit"' in html


def test_add_customer_user_save_and_finish_closes_and_refreshes(manager_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    url = reverse("dashboards:customer-user-add", args=["ACME"])

    form = manager_client.get(url, headers=HX)
    response = manager_client.post(url, {**user_data(acme), "finish": "1"}, headers=HX)

    assert form.status_code == 200
    assert b'name="first_name"' in form.content
    assert response.status_code == 200
    events = json.loads(response["HX-Trigger"])
    assert events["closeModal"] is True
    assert events["refresh-customer-users"] is True
    created = CustomerUser.objects.get(login="new.user")
    assert created.customer == acme
    assert list(created.customers.all()) == [acme]


def test_edit_customer_user_save_stays_in_the_modal(manager_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    jane = factories.CustomerUserFactory(login="jane", customer=acme)
    url = reverse("dashboards:customer-user-edit", args=["jane"])

    response = manager_client.post(
        url, {**user_data(acme, login="jane", first_name="Janet"), "save": "1"}, headers=HX
    )

    assert response.status_code == 200
    assert b"data-saved" in response.content
    assert b'value="Janet"' in response.content
    events = json.loads(response["HX-Trigger"])
    assert "closeModal" not in events
    assert events["refresh-customer-users"] is True
    jane.refresh_from_db()
    assert jane.first_name == "Janet"


def test_edit_customer_user_errors_keep_the_modal_with_input(manager_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    factories.CustomerUserFactory(login="taken", customer=acme)
    jane = factories.CustomerUserFactory(login="jane", customer=acme, first_name="Jane")
    url = reverse("dashboards:customer-user-edit", args=["jane"])

    response = manager_client.post(
        url,
        {**user_data(acme, login="taken", first_name="Typed", email="bad"), "finish": "1"},
        headers=HX,
    )

    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert b"This login is already taken." in response.content
    assert b'value="Typed"' in response.content
    jane.refresh_from_db()
    assert (jane.login, jane.first_name) == ("jane", "Jane")


def test_edit_customer_in_the_cuic_save_and_finish(manager_client):
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme")
    url = reverse("dashboards:customer-edit", args=["ACME"])
    data = {"customer_id": "ACME", "name": "Acme Renamed", "country": "Germany", "is_active": "on"}

    response = manager_client.post(url, {**data, "finish": "1"}, headers=HX)

    assert response.status_code == 200
    events = json.loads(response["HX-Trigger"])
    assert events["closeModal"] is True
    assert events["refresh-customer-ids"] is True
    acme.refresh_from_db()
    assert acme.name == "Acme Renamed"


def test_edit_customer_errors_keep_input(manager_client):
    factories.CustomerFactory(customer_id="ACME", name="Acme")
    factories.CustomerFactory(customer_id="TAKEN")
    url = reverse("dashboards:customer-edit", args=["ACME"])

    response = manager_client.post(
        url, {"customer_id": "TAKEN", "name": "Typed name", "finish": "1"}, headers=HX
    )

    assert response.status_code == 200
    assert b"already exists" in response.content
    assert b'value="Typed name"' in response.content
    assert Customer.objects.get(customer_id="ACME").name == "Acme"


def test_modals_need_the_create_edit_customers_permission(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme")
    factories.CustomerUserFactory(login="jane", customer=acme, first_name="Jane")

    urls = [
        reverse("dashboards:customer-user-add", args=["ACME"]),
        reverse("dashboards:customer-user-edit", args=["jane"]),
        reverse("dashboards:customer-edit", args=["ACME"]),
    ]
    for url in urls:
        assert agent_client.get(url, headers=HX).status_code == 403
    response = agent_client.post(
        urls[2], {"customer_id": "ACME", "name": "Hacked", "finish": "1"}, headers=HX
    )

    assert response.status_code == 403
    assert Customer.objects.get(customer_id="ACME").name == "Acme"


def test_modal_unknown_objects_are_404(manager_client):
    assert (
        manager_client.get(
            reverse("dashboards:customer-user-edit", args=["nobody"]), headers=HX
        ).status_code
        == 404
    )
    assert (
        manager_client.get(
            reverse("dashboards:customer-edit", args=["NOPE"]), headers=HX
        ).status_code
        == 404
    )


def test_modal_without_htmx_is_a_page(manager_client):
    factories.CustomerFactory(customer_id="ACME")

    response = manager_client.get(reverse("dashboards:customer-edit", args=["ACME"]))

    assert response.status_code == 200
    assert b"<html" in response.content
    assert b'name="customer_id"' in response.content


def test_cuic_pencils_open_the_customer_and_customer_user_modals(manager_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    factories.CustomerUserFactory(login="jane", customer=acme)

    ids = manager_client.get(widget_url("cuic", "jane", "customer-ids"), headers=HX)
    info = manager_client.get(widget_url("cuic", "jane", "customer-user-information"), headers=HX)

    assert reverse("dashboards:customer-edit", args=["ACME"]) in ids.content.decode()
    assert reverse("dashboards:customer-user-edit", args=["jane"]) in info.content.decode()


def test_cuic_pencils_hidden_without_the_permission(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    factories.CustomerUserFactory(login="jane", customer=acme)

    ids = agent_client.get(widget_url("cuic", "jane", "customer-ids"), headers=HX)

    assert reverse("dashboards:customer-edit", args=["ACME"]) not in ids.content.decode()
