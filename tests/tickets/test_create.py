"""New phone / email tickets, their customer-dependent choices and the contact modal."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from customers.models import CustomerUser
from customers.services import customer_admin_group_ensure
from tests import factories
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_agent_client(agent_client, agent):
    """An agent with "Create/Edit Customers": the New Customer Contact modal needs it."""
    agent.groups.add(customer_admin_group_ensure())
    return agent_client


@pytest.fixture
def cuser():
    return factories.CustomerUserFactory(first_name="Ada", last_name="Lovelace")


def payload(cuser, ticket_queue, **extra):
    data = {
        "customer": cuser.customer.customer_id,
        "customer_user": cuser.login,
        "title": "Laptop does not boot",
        "body": "Black screen since this morning.",
        "queue": ticket_queue.pk,
        "state": "new",
        "priority": "2",
    }
    data.update(extra)
    return data


def selected(body: str, name: str) -> str | None:
    """The chosen value of a select, or of a picker (a text input holding the key)."""
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S)
    if select is None:
        picker = re.search(rf'<input type="text" name="{name}"[^>]*data-picker[^>]*>', body)
        value = re.match(r'<input type="text" name="[^"]*" value="([^"]*)"', picker.group(0))
        return value.group(1) if value else ""
    option = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return option.group(1) if option else None


def test_new_phone_prefills_customer_user_and_customer(admin_agent_client, cuser):
    response = admin_agent_client.get(reverse("tickets:new-phone"), {"customer_user": cuser.login})

    body = response.content.decode()
    assert response.status_code == 200
    assert selected(body, "customer") == cuser.customer.customer_id
    assert selected(body, "customer_user") == cuser.login
    assert selected(body, "state") == "new"
    assert selected(body, "priority") == "3"
    assert 'data-action="new-contact"' in body


def test_new_phone_unknown_prefill_is_ignored(agent_client):
    response = agent_client.get(reverse("tickets:new-phone"), {"customer_user": "ghost"})

    assert response.status_code == 200
    assert selected(response.content.decode(), "customer_user") == ""


def test_phone_ticket_is_created_with_every_field(agent_client, agent, cuser, queue):
    contract = factories.ContractFactory(customer=cuser.customer)
    area = factories.AreaFactory(location=factories.LocationFactory(customer=cuser.customer))
    service, sla = factories.ServiceFactory(), factories.SLAFactory()
    ticket_type = factories.TicketTypeFactory(name="Incident")

    response = agent_client.post(
        reverse("tickets:new-phone"),
        payload(
            cuser,
            queue,
            type=ticket_type.pk,
            service=service.pk,
            sla=sla.pk,
            contract=contract.pk,
            location=area.location.pk,
            area=area.pk,
        ),
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.number])
    assert (ticket.customer, ticket.customer_user, ticket.queue, ticket.priority.level) == (
        cuser.customer,
        cuser,
        queue,
        2,
    )
    assert (ticket.type, ticket.service, ticket.sla, ticket.contract) == (
        ticket_type,
        service,
        sla,
        contract,
    )
    assert (ticket.location, ticket.area, ticket.channel) == (area.location, area, "phone")
    article = ticket.articles.get()
    assert (article.sender_type, article.is_public, article.channel) == ("customer", True, "phone")
    assert article.body == "Black screen since this morning."
    assert mail.outbox == []


def test_email_ticket_sends_its_first_article_to_the_customer_user(
    agent_client, cuser, queue, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(reverse("tickets:new-email"), payload(cuser, queue))

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    article = ticket.articles.get()
    assert (ticket.channel, article.sender_type, article.is_public) == ("email", "agent", True)
    assert ticket.first_response_at is not None
    sent = [m for m in mail.outbox if m.to == [cuser.email]]
    assert len(sent) == 1
    assert sent[0].subject == f"[Ticket#{ticket.number}] Laptop does not boot"
    assert sent[0].extra_headers["Message-ID"] == article.message_id
    assert (article.email_from, article.email_to, article.email_cc) == (
        settings.DEFAULT_FROM_EMAIL.lower(),
        cuser.email.lower(),
        "",
    )


@pytest.mark.parametrize(
    "field",
    ["customer_user", "contract", "location", "area", "queue", "customer"],
)
def test_choices_of_another_customer_or_team_are_refused(agent_client, cuser, queue, field):
    other = factories.CustomerFactory()
    foreign = {
        "customer_user": factories.CustomerUserFactory(customer=other).login,
        "contract": factories.ContractFactory(customer=other).pk,
        "location": factories.LocationFactory(customer=other).pk,
        "area": factories.AreaFactory(location=factories.LocationFactory(customer=other)).pk,
        "queue": factories.QueueFactory().pk,
        "customer": "NOPE",
    }

    response = agent_client.post(
        reverse("tickets:new-phone"), payload(cuser, queue, **{field: foreign[field]})
    )

    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    assert Ticket.objects.count() == 0


def test_inactive_contract_and_area_of_another_location_are_refused(agent_client, cuser, queue):
    ended = factories.ContractFactory(customer=cuser.customer, is_active=False)
    location = factories.LocationFactory(customer=cuser.customer)
    other_area = factories.AreaFactory(location=factories.LocationFactory(customer=cuser.customer))

    response = agent_client.post(
        reverse("tickets:new-phone"),
        payload(cuser, queue, contract=ended.pk, location=location.pk, area=other_area.pk),
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert body.count("Select a valid choice.") == 2
    assert Ticket.objects.count() == 0


def test_missing_title_and_body_keep_the_input(agent_client, cuser, queue):
    response = agent_client.post(
        reverse("tickets:new-phone"), payload(cuser, queue, title="", body="")
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert body.count("This field is required.") == 2
    assert selected(body, "customer_user") == cuser.login
    assert Ticket.objects.count() == 0


def test_options_refresh_lists_the_customers_contacts_contracts_and_locations(agent_client, cuser):
    contract = factories.ContractFactory(customer=cuser.customer)
    location = factories.LocationFactory(customer=cuser.customer)
    area = factories.AreaFactory(location=location)
    factories.CustomerUserFactory()  # another customer's contact

    response = agent_client.get(
        reverse("tickets:new-options"),
        {"customer": cuser.customer.customer_id, "location": location.pk},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="customer-fields">')
    # The customer user is a picker searching this customer's contacts; none is listed.
    picker = reverse("dashboards:pick-customer-users") + f"?customer={cuser.customer.customer_id}"
    assert f'data-picker="{picker}"' in body
    assert re.findall(r"cuser\d+", body) == []
    assert f'<option value="{contract.pk}"' in body
    assert f'<option value="{area.pk}"' in body


# --- New Customer Contact modal -------------------------------------------------------------


def contact_url(customer):
    return reverse("tickets:new-contact", args=[customer.customer_id])


def test_contact_modal_names_the_customer(admin_agent_client, customer):
    response = admin_agent_client.get(contact_url(customer), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert f"Add Customer Contact for {customer.name}" in response.content.decode()


def test_contact_modal_creates_the_contact_and_selects_it(admin_agent_client, customer):
    response = admin_agent_client.post(
        contact_url(customer),
        {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
        headers={"HX-Request": "true"},
    )

    contact = CustomerUser.objects.get(email="grace@example.com")
    assert contact.customer == customer
    assert list(contact.customers.all()) == [customer]
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert json.loads(response["HX-Trigger-After-Settle"]) == {
        "contactCreated": {"login": contact.login, "label": str(contact)},
        "closeModal": {},
    }


def test_contact_modal_duplicate_email_stays_open_with_error(admin_agent_client, customer):
    factories.CustomerUserFactory(customer=customer, email="grace@example.com")

    response = admin_agent_client.post(
        contact_url(customer),
        {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "HX-Trigger-After-Settle" not in response
    assert 'value="Grace"' in body
    assert 'class="invalid-feedback' in body
    assert CustomerUser.objects.filter(email="grace@example.com").count() == 1


def test_contact_modal_missing_fields_show_errors(admin_agent_client, customer):
    response = admin_agent_client.post(
        contact_url(customer), {"first_name": "", "last_name": "", "email": "not-an-email"}
    )

    body = response.content.decode()
    assert body.count("This field is required.") == 2
    assert "Enter a valid email address." in body
    assert CustomerUser.objects.filter(customer=customer).count() == 0


def test_contact_modal_unknown_customer_is_404(admin_agent_client):
    assert admin_agent_client.get(reverse("tickets:new-contact", args=["NOPE"])).status_code == 404


@pytest.mark.parametrize("name", ["tickets:new-phone", "tickets:new-email"])
def test_new_ticket_pages_send_anonymous_visitors_to_login(client, name):
    assert client.get(reverse(name))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["tickets:new-phone", "tickets:new-email"])
def test_new_ticket_pages_send_portal_users_to_the_portal(portal_client, name):
    assert portal_client.get(reverse(name))["Location"] == reverse("portal:home")


@pytest.mark.parametrize("channel", ["phone", "email"])
def test_new_ticket_on_a_contract_takes_the_contracts_sla(agent_client, cuser, queue, channel):
    sla = factories.SLAFactory(name="Gold")
    contract = factories.ContractFactory(customer=cuser.customer, sla=sla)

    response = agent_client.post(
        reverse(f"tickets:new-{channel}"), payload(cuser, queue, contract=contract.pk)
    )

    assert response.status_code == 302
    assert (Ticket.objects.get().contract, Ticket.objects.get().sla) == (contract, sla)


def test_new_ticket_keeps_the_sla_the_agent_chose_over_the_contracts(agent_client, cuser, queue):
    chosen = factories.SLAFactory(name="Platinum")
    contract = factories.ContractFactory(customer=cuser.customer, sla=factories.SLAFactory())

    agent_client.post(
        reverse("tickets:new-phone"), payload(cuser, queue, contract=contract.pk, sla=chosen.pk)
    )

    assert Ticket.objects.get().sla == chosen
