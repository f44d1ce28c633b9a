import re

import pytest
from django.urls import reverse

from customers.models import Area, Location
from tests import factories
from tests.customers.helpers import HTMX, customer_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(customer_admin())
    return client


def test_location_create(admin_client):
    customer = factories.CustomerFactory(customer_id="ACME")

    response = admin_client.post(
        reverse("customers:location-create", args=["ACME"]),
        {"name": "Berlin HQ", "address": "Unter den Linden 1"},
        headers=HTMX,
    )

    location = Location.objects.get()
    assert response.status_code == 200
    assert (location.customer, location.name, location.address) == (
        customer,
        "Berlin HQ",
        "Unter den Linden 1",
    )
    assert f'data-location="{location.pk}"' in response.content.decode()
    assert "closeModal" in response["HX-Trigger"]


def test_location_create_duplicate_name_refused(admin_client):
    customer = factories.CustomerFactory(customer_id="ACME")
    factories.LocationFactory(customer=customer, name="Berlin HQ")

    response = admin_client.post(
        reverse("customers:location-create", args=["ACME"]),
        {"name": "berlin hq"},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "This customer already has a location named berlin hq." in response.content.decode()
    assert Location.objects.count() == 1


def test_location_create_empty_name_refused(admin_client):
    factories.CustomerFactory(customer_id="ACME")

    response = admin_client.post(
        reverse("customers:location-create", args=["ACME"]), {"name": ""}, headers=HTMX
    )

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert Location.objects.count() == 0


def test_location_edit(admin_client):
    location = factories.LocationFactory(customer__customer_id="ACME", name="Old")

    response = admin_client.post(
        reverse("customers:location-edit", args=["ACME", location.pk]),
        {"name": "New", "address": "Street 2"},
        headers=HTMX,
    )

    location.refresh_from_db()
    assert response.status_code == 200
    assert (location.name, location.address) == ("New", "Street 2")


def test_location_deactivate_and_reactivate(admin_client):
    location = factories.LocationFactory(customer__customer_id="ACME")
    url = reverse("customers:location-active", args=["ACME", location.pk])

    admin_client.post(url, {"active": "0"}, headers=HTMX)
    location.refresh_from_db()
    assert location.is_active is False
    admin_client.post(url, {"active": "1"}, headers=HTMX)
    location.refresh_from_db()
    assert location.is_active is True


def test_location_active_bad_value_changes_nothing(admin_client):
    location = factories.LocationFactory(customer__customer_id="ACME")

    response = admin_client.post(
        reverse("customers:location-active", args=["ACME", location.pk]), {"active": "maybe"}
    )

    location.refresh_from_db()
    assert response.status_code == 422
    assert location.is_active is True


def test_area_create_edit_deactivate(admin_client):
    location = factories.LocationFactory(customer__customer_id="ACME")

    admin_client.post(
        reverse("customers:area-create", args=["ACME", location.pk]),
        {"name": "2nd floor"},
        headers=HTMX,
    )
    area = Area.objects.get()
    admin_client.post(
        reverse("customers:area-edit", args=["ACME", area.pk]), {"name": "Floor 2"}, headers=HTMX
    )
    response = admin_client.post(
        reverse("customers:area-active", args=["ACME", area.pk]), {"active": "0"}, headers=HTMX
    )

    area.refresh_from_db()
    assert (area.location, area.name, area.is_active) == (location, "Floor 2", False)
    assert f'data-area="{area.pk}"' in response.content.decode()


def test_area_create_duplicate_refused_on_its_row(admin_client):
    location = factories.LocationFactory(customer__customer_id="ACME", name="HQ")
    factories.AreaFactory(location=location, name="Lab")

    response = admin_client.post(
        reverse("customers:area-create", args=["ACME", location.pk]),
        {"name": "LAB"},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "HQ already has an area named LAB." in response.content.decode()
    assert Area.objects.count() == 1


def test_area_of_other_customer_404(admin_client):
    factories.CustomerFactory(customer_id="ACME")
    foreign = factories.AreaFactory(name="Theirs")

    response = admin_client.post(
        reverse("customers:area-edit", args=["ACME", foreign.pk]), {"name": "Mine"}
    )

    foreign.refresh_from_db()
    assert response.status_code == 404
    assert foreign.name == "Theirs"


def test_location_writes_without_permission_403_and_unchanged(client):
    client.force_login(factories.AgentFactory())
    location = factories.LocationFactory(customer__customer_id="ACME", name="Keep")
    area = factories.AreaFactory(location=location, name="Keep")

    responses = [
        client.post(reverse("customers:location-create", args=["ACME"]), {"name": "X"}),
        client.post(reverse("customers:location-edit", args=["ACME", location.pk]), {"name": "X"}),
        client.post(
            reverse("customers:location-active", args=["ACME", location.pk]), {"active": "0"}
        ),
        client.post(reverse("customers:area-create", args=["ACME", location.pk]), {"name": "X"}),
        client.post(reverse("customers:area-edit", args=["ACME", area.pk]), {"name": "X"}),
        client.post(reverse("customers:area-active", args=["ACME", area.pk]), {"active": "0"}),
    ]

    location.refresh_from_db()
    area.refresh_from_db()
    assert [r.status_code for r in responses] == [403] * 6
    assert (location.name, location.is_active, area.name, area.is_active) == (
        "Keep",
        True,
        "Keep",
        True,
    )
    assert (Location.objects.count(), Area.objects.count()) == (1, 1)


@pytest.mark.parametrize("size", [1, 6])
def test_locations_tab_query_count_constant(admin_client, django_assert_num_queries, size):
    customer = factories.CustomerFactory(customer_id="ACME")
    for _ in range(size):
        factories.AreaFactory.create_batch(2, location=factories.LocationFactory(customer=customer))

    # the "Create/Edit Customers" check is one query
    with django_assert_num_queries(7):
        response = admin_client.get(reverse("customers:locations", args=["ACME"]), headers=HTMX)

    assert response.content.decode().count("data-area=") == 2 * size


# --- ticket creation offers active locations and the chosen location's active areas ---------


def _options(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select)


def test_ticket_creation_offers_only_active_locations_and_areas(agent_client):
    customer = factories.CustomerFactory(customer_id="ACME")
    site = factories.LocationFactory(customer=customer)
    closed_site = factories.LocationFactory(customer=customer, is_active=False)
    factories.LocationFactory()  # another customer's
    floor = factories.AreaFactory(location=site)
    factories.AreaFactory(location=site, is_active=False)
    factories.AreaFactory(location=closed_site)

    response = agent_client.get(
        reverse("tickets:new-options"), {"customer": "ACME", "location": site.pk}, headers=HTMX
    )

    html = response.content.decode()
    assert _options(html, "location") == [str(site.pk)]
    assert _options(html, "area") == [str(floor.pk)]
    assert str(closed_site.pk) not in _options(html, "location")
