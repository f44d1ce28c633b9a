"""Typeahead pickers: the search endpoints (search-dialog rules, agents only) and the forms
whose customer, customer user and agent fields they feed (only chosen values on the page, typed
values resolved on the server)."""

import re

import pytest
from django.urls import reverse

from customers.models import CustomerUser
from customers.services import customer_admin_group_ensure
from tests import factories
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

MANY = 60


def pick(client, kind, **params):
    return client.get(reverse(f"dashboards:pick-{kind}"), params)


def values(response) -> list[str]:
    return [hit["value"] for hit in response.json()["results"]]


# --- endpoints ------------------------------------------------------------------------------


def test_customer_pick_follows_the_search_dialog_rules(agent_client):
    factories.CustomerFactory(customer_id="ACME", name="Acme Corporation")
    factories.CustomerFactory(customer_id="ACNE", name="Acne Clinic")
    factories.CustomerFactory(customer_id="GONE", name="Acme Gone", is_active=False)

    assert pick(agent_client, "customers", q="a").json() == {
        "results": [],
        "total": 0,
        "too_short": True,
    }
    assert values(pick(agent_client, "customers", q="acme")) == ["ACME"]
    assert values(pick(agent_client, "customers", q="ac*e")) == ["ACME", "ACNE"]
    assert values(pick(agent_client, "customers", q="CORPOR")) == ["ACME"]
    assert pick(agent_client, "customers", q="acme").json()["results"] == [
        {"value": "ACME", "text": "ACME – Acme Corporation", "detail": ""}
    ]


def test_customer_pick_shows_at_most_twenty_with_the_total(agent_client):
    factories.CustomerFactory.create_batch(25, name="Widget Works")

    response = pick(agent_client, "customers", q="widget")

    assert (len(values(response)), response.json()["total"]) == (20, 25)


def test_customer_user_pick_limited_to_one_customers_users(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    mine = factories.CustomerUserFactory(customer=acme, first_name="Ada", last_name="Smith")
    member = factories.CustomerUserFactory(first_name="Bob", last_name="Smith", customers=[acme])
    factories.CustomerUserFactory(first_name="Cy", last_name="Smith")  # another customer's
    factories.CustomerUserFactory(customer=acme, last_name="Smith", is_active=False)

    everyone = pick(agent_client, "customer-users", q="smith")
    scoped = pick(agent_client, "customer-users", q="smith", customer="ACME")

    assert everyone.json()["total"] == 3
    assert values(scoped) == [mine.login, member.login]
    assert scoped.json()["results"][0] == {
        "value": mine.login,
        "text": str(mine),
        "detail": mine.login,
    }


def test_customer_user_pick_for_an_unknown_customer_is_refused(agent_client):
    response = pick(agent_client, "customer-users", q="smith", customer="NOPE")

    assert response.status_code == 400
    assert response.json() == {"error": "No active customer has this ID."}


def test_agent_pick_lists_active_agents_only(agent_client, agent):
    petra = factories.AgentFactory(username="petra", first_name="Petra", last_name="Zimmer")
    factories.AgentFactory(username="paul", first_name="Paul", last_name="Zimmer", is_active=False)
    factories.UserFactory(username="zimmer.portal", first_name="Zed", last_name="Zimmer")

    response = pick(agent_client, "agents", q="zimm")

    assert response.json()["results"] == [
        {"value": str(petra.pk), "text": "Petra Zimmer", "detail": "petra"}
    ]


@pytest.mark.parametrize("kind", ["customers", "customer-users", "agents"])
def test_pick_refuses_anonymous_and_portal_users(client, portal_user, kind):
    factories.CustomerFactory(customer_id="ACME", name="Acme")

    anonymous = pick(client, kind, q="**")
    client.force_login(portal_user.user)
    portal = pick(client, kind, q="**")

    assert (anonymous.status_code, anonymous["Location"].split("?")[0]) == (302, reverse("login"))
    assert (portal.status_code, portal["Location"]) == (302, reverse("portal:home"))


# --- forms: only chosen values on the page --------------------------------------------------


@pytest.fixture
def many_customers(db):
    return factories.CustomerFactory.create_batch(MANY)


def customer_ids(body: str) -> set[str]:
    return set(re.findall(r"CUST\d{4}", body))


def test_new_ticket_page_lists_only_the_chosen_customer(agent_client, many_customers):
    cuser = factories.CustomerUserFactory(customer=many_customers[7])

    blank = agent_client.get(reverse("tickets:new-phone")).content.decode()
    chosen = agent_client.get(reverse("tickets:new-phone"), {"customer_user": cuser.login})

    assert customer_ids(blank) == set()
    assert customer_ids(chosen.content.decode()) == {many_customers[7].customer_id}
    assert chosen.content.decode().count(cuser.login) >= 1


@pytest.mark.parametrize("size", [2, 30])
def test_new_ticket_page_query_count_does_not_grow(agent_client, size, django_assert_num_queries):
    customers = factories.CustomerFactory.create_batch(size)
    cuser = factories.CustomerUserFactory(customer=customers[0])
    for customer in customers:
        factories.CustomerUserFactory(customer=customer, customers=[customers[0]])
    factories.AgentFactory.create_batch(size)

    with django_assert_num_queries(18):
        response = agent_client.get(reverse("tickets:new-phone"), {"customer_user": cuser.login})

    assert response.status_code == 200


def test_customer_user_modal_lists_only_its_customers(agent_client, agent, many_customers):
    agent.groups.add(customer_admin_group_ensure())
    user = factories.CustomerUserFactory(customer=many_customers[0], customers=[many_customers[1]])

    add = agent_client.get(
        reverse("dashboards:customer-user-add", args=[many_customers[2].customer_id])
    )
    edit = agent_client.get(reverse("dashboards:customer-user-edit", args=[user.login]))

    assert customer_ids(add.content.decode()) == {many_customers[2].customer_id}
    assert customer_ids(edit.content.decode()) == {
        many_customers[0].customer_id,
        many_customers[1].customer_id,
    }


def test_zoom_owner_form_lists_no_other_agent(agent_client, agent, queue):
    others = factories.AgentFactory.create_batch(MANY, last_name="Elsewhere")
    ticket = factories.TicketFactory(queue=queue, owner=agent)

    form = agent_client.get(
        reverse("tickets:update", args=[ticket.number]), headers={"HX-Request": "true"}
    ).content.decode()

    assert "Elsewhere" not in form
    assert others[0].username not in form
    assert f'value="{agent.pk}"' in form


def test_contract_and_group_forms_list_no_contacts_or_agents(admin_client, many_customers):
    customer = many_customers[0]
    contacts = factories.CustomerUserFactory.create_batch(MANY, customer=customer)
    factories.AgentFactory.create_batch(MANY, last_name="Elsewhere")

    pages = [
        admin_client.get(reverse(name, args=[customer.customer_id]), headers={"HX-Request": "1"})
        for name in ("customers:contract-create", "customers:notification-group-create")
    ]

    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert "Elsewhere" not in body
        assert [c.login for c in contacts if c.login in body] == []


# --- forms without JavaScript: typed values ---------------------------------------------------


def ticket_data(cuser, queue, **overrides):
    data = {
        "customer": cuser.customer.customer_id,
        "customer_user": cuser.login,
        "title": "Printer",
        "body": "It jams.",
        "queue": queue.pk,
        "state": "new",
        "priority": "3",
    }
    data.update(overrides)
    return data


def test_unknown_typed_customer_is_named_in_the_error(agent_client, queue, agent):
    cuser = factories.CustomerUserFactory()

    response = agent_client.post(
        reverse("tickets:new-phone"), ticket_data(cuser, queue, customer="NO SUCH")
    )

    assert response.status_code == 422
    assert (
        "Select a valid choice. NO SUCH is not one of the available choices."
        in response.content.decode()
    )
    assert Ticket.objects.count() == 0


def test_typed_agent_user_name_sets_the_owner(agent_client, agent, queue):
    ticket = factories.TicketFactory(queue=queue)
    petra = factories.AgentFactory(username="petra")

    response = agent_client.post(
        reverse("tickets:update", args=[ticket.number]), {"owner": "petra"}
    )

    ticket.refresh_from_db()
    assert response.status_code == 302
    assert ticket.owner == petra


def test_customers_typed_one_per_line_are_saved(agent_client, agent):
    agent.groups.add(customer_admin_group_ensure())
    acme = factories.CustomerFactory(customer_id="ACME")
    globex = factories.CustomerFactory(customer_id="GLOBEX, Inc.")
    data = {
        "login": "new.user",
        "first_name": "New",
        "last_name": "User",
        "email": "new.user@acme.example",
        "customer": "ACME",
        "customers": "ACME\r\nGLOBEX, Inc.\r\n",
        "is_active": "on",
        "finish": "1",
    }

    response = agent_client.post(reverse("dashboards:customer-user-add", args=["ACME"]), data)

    user = CustomerUser.objects.get(login="new.user")
    assert response.status_code == 302
    assert (user.customer, set(user.customers.all())) == (acme, {acme, globex})


def test_unknown_customer_among_several_is_named_and_nothing_saved(agent_client, agent):
    agent.groups.add(customer_admin_group_ensure())
    factories.CustomerFactory(customer_id="ACME")
    data = {
        "login": "new.user",
        "first_name": "New",
        "last_name": "User",
        "email": "new.user@acme.example",
        "customer": "ACME",
        "customers": ["ACME", "INITECH"],
        "is_active": "on",
    }

    response = agent_client.post(
        reverse("dashboards:customer-user-add", args=["ACME"]), data, headers={"HX-Request": "1"}
    )

    assert "Select a valid choice. INITECH is not one of the available choices." in (
        response.content.decode()
    )
    assert CustomerUser.objects.filter(login="new.user").exists() is False


# --- query counts: independent of how many customers, contacts and agents exist -----------


def _world(size):
    customers = factories.CustomerFactory.create_batch(size)
    acme = factories.CustomerFactory(customer_id="ACME")
    user = factories.CustomerUserFactory(customer=acme, login="ada", customers=customers[:3])
    factories.CustomerUserFactory.create_batch(size, customer=acme)
    factories.AgentFactory.create_batch(size)
    return user


@pytest.mark.parametrize(
    ("name", "args", "queries"),
    [
        ("dashboards:customer-user-edit", ["ada"], 6),
        ("customers:contract-create", ["ACME"], 5),
        ("customers:notification-group-create", ["ACME"], 3),
    ],
)
@pytest.mark.parametrize("size", [3, 40])
def test_picker_forms_query_count_does_not_grow(
    admin_client, size, name, args, queries, django_assert_num_queries
):
    _world(size)

    with django_assert_num_queries(queries):
        response = admin_client.get(reverse(name, args=args), headers={"HX-Request": "1"})

    assert response.status_code == 200
