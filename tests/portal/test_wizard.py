"""The new-request wizard (`portal:new`): which services, the steps, the created ticket."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import Service
from helpdesk.models import Submission
from tests import factories
from tickets.models import Article, Ticket

from .conftest import upload

pytestmark = pytest.mark.django_db


def services_listed(response) -> list[int]:
    return [int(x) for x in re.findall(r'data-service="(\d+)"', response.content.decode())]


def subcategories_listed(response) -> list[int]:
    return [int(x) for x in re.findall(r'data-subcategory="(\d+)"', response.content.decode())]


def final_post(service, subcategory=None, **overrides):
    data = {
        "service": service.pk,
        "title": "Printer is jammed",
        "description": "Paper stuck in tray 2.",
        "impact": 3,
        "urgency": 3,
        "key": str(uuid.uuid4()),
    }
    if subcategory is not None:
        data["subcategory"] = subcategory.pk
    data.update(overrides)
    return data


# --- step 1: which services ------------------------------------------------------------------


def test_new_lists_only_services_of_active_running_contracts(portal_client, portal_user):
    today = timezone.localdate()
    offered = factories.ServiceFactory(name="A offered")
    second = factories.ServiceFactory(name="B offered too")
    expired = factories.ServiceFactory(name="C expired")
    future = factories.ServiceFactory(name="D future")
    inactive_contract = factories.ServiceFactory(name="E inactive contract")
    inactive_service = factories.ServiceFactory(name="F inactive", is_active=False)
    other_customers = factories.ServiceFactory(name="G other customer")
    child = factories.ServiceFactory(name="H child", parent=offered)
    customer = portal_user.customer
    factories.ContractFactory(customer=customer, services=[offered, inactive_service, child])
    factories.ContractFactory(customer=customer, services=[second], end_date=today)
    factories.ContractFactory(
        customer=customer,
        services=[expired],
        start_date=today - datetime.timedelta(days=60),
        end_date=today - datetime.timedelta(days=1),
    )
    factories.ContractFactory(
        customer=customer, services=[future], start_date=today + datetime.timedelta(days=1)
    )
    factories.ContractFactory(customer=customer, services=[inactive_contract], is_active=False)
    factories.ContractFactory(services=[other_customers])

    response = portal_client.get(reverse("portal:new"))

    assert response.status_code == 200
    assert services_listed(response) == [offered.pk, second.pk]


def test_new_lists_services_of_every_customer_the_user_belongs_to(client):
    primary, other = factories.CustomerFactory(), factories.CustomerFactory()
    user = factories.PortalUserFactory(customer=primary, customers=[other])
    mine = factories.ServiceFactory(name="Mine")
    theirs = factories.ServiceFactory(name="Theirs")
    factories.ContractFactory(customer=primary, services=[mine])
    factories.ContractFactory(customer=other, services=[theirs])
    client.force_login(user.user)

    response = client.get(reverse("portal:new"))

    assert services_listed(response) == [mine.pk, theirs.pk]


def test_new_without_services_explains_why(portal_client):
    response = portal_client.get(reverse("portal:new"))

    assert response.status_code == 200
    assert services_listed(response) == []
    assert b'data-empty="services"' in response.content


def test_new_skips_step_one_when_one_service(portal_client, catalogue):
    response = portal_client.get(reverse("portal:new"))

    assert response.status_code == 302
    assert response.url == f"{reverse('portal:new')}?service={catalogue['service'].pk}"


# --- step 2: sub-categories ------------------------------------------------------------------


def test_new_step_two_lists_active_subcategories(portal_client, catalogue):
    factories.ServiceFactory(name="Old", parent=catalogue["service"], is_active=False)

    response = portal_client.get(reverse("portal:new"), {"service": catalogue["service"].pk})

    assert response.status_code == 200
    assert subcategories_listed(response) == [catalogue["laptop"].pk, catalogue["printer"].pk]


def test_new_skips_step_two_when_one_subcategory(portal_client, portal_user):
    service = factories.ServiceFactory()
    only = factories.ServiceFactory(parent=service)
    factories.ContractFactory(customer=portal_user.customer, services=[service])

    response = portal_client.get(reverse("portal:new"), {"service": service.pk})

    assert response.status_code == 302
    assert response.url == f"{reverse('portal:new')}?service={service.pk}&subcategory={only.pk}"


def test_new_service_without_subcategories_goes_to_details(portal_client, portal_user):
    service = factories.ServiceFactory()
    factories.ContractFactory(customer=portal_user.customer, services=[service])

    response = portal_client.get(reverse("portal:new"), {"service": service.pk})

    assert response.status_code == 200
    assert response.templates[0].name == "portal/new_details.html"
    assert f'data-chosen-service="{service.pk}"'.encode() in response.content


def test_new_details_show_chosen_service_read_only(portal_client, catalogue):
    response = portal_client.get(
        reverse("portal:new"),
        {"service": catalogue["service"].pk, "subcategory": catalogue["printer"].pk},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f'data-chosen-service="{catalogue["service"].pk}"' in content
    assert f'data-chosen-subcategory="{catalogue["printer"].pk}"' in content
    for name in ("title", "description", "impact", "urgency", "attachments", "key"):
        assert f'name="{name}"' in content


@pytest.mark.parametrize("param", ["service", "subcategory"])
def test_new_forged_ids_on_get_go_back_to_step_one(portal_client, catalogue, param):
    foreign = factories.ServiceFactory()
    factories.ContractFactory(services=[foreign])
    params = {"service": catalogue["service"].pk}
    params[param] = foreign.pk if param == "service" else catalogue["laptop"].pk + 1000

    response = portal_client.get(reverse("portal:new"), params, follow=True)

    assert response.redirect_chain[0] == (reverse("portal:new"), 302)
    assert "This service is not available to you" in response.content.decode()


def test_new_garbage_service_param_is_no_500(portal_client, catalogue):
    response = portal_client.get(reverse("portal:new"), {"service": "x' OR 1=1"})

    assert response.status_code == 302


# --- final POST ------------------------------------------------------------------------------


def test_new_post_creates_the_ticket_with_everything(portal_client, portal_user, catalogue):
    sla = factories.SLAFactory()
    catalogue["contract"].sla = sla
    catalogue["contract"].save()

    response = portal_client.post(
        reverse("portal:new"),
        final_post(catalogue["service"], catalogue["printer"], attachments=[upload()]),
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:detail", args=[ticket.number])
    assert ticket.title == "Printer is jammed"
    assert ticket.customer_user == portal_user
    assert ticket.customer == portal_user.customer
    assert ticket.contract == catalogue["contract"]
    assert ticket.sla == sla
    assert ticket.service == catalogue["printer"]
    assert ticket.service.parent == catalogue["service"]
    assert ticket.channel == "portal"
    assert ticket.queue.name == "Service Desk"
    assert ticket.state.name == "new"
    assert (ticket.impact, ticket.urgency, ticket.priority.level) == (3, 3, 3)
    article = ticket.articles.get()
    assert (article.sender_type, article.is_public, article.channel) == ("customer", True, "portal")
    assert article.body == "Paper stuck in tray 2."
    assert article.author == portal_user.user
    assert [a.filename for a in article.attachments.all()] == ["report.txt"]


def test_new_post_service_without_children_stores_the_service(portal_client, portal_user):
    service = factories.ServiceFactory()
    factories.ContractFactory(customer=portal_user.customer, services=[service])

    portal_client.post(reverse("portal:new"), final_post(service))

    assert Ticket.objects.get().service == service


def test_new_post_uses_contract_of_the_customer_offering_the_service(client):
    primary, other = factories.CustomerFactory(), factories.CustomerFactory()
    user = factories.PortalUserFactory(customer=primary, customers=[other])
    service = factories.ServiceFactory()
    contract = factories.ContractFactory(customer=other, services=[service])
    client.force_login(user.user)

    client.post(reverse("portal:new"), final_post(service))

    ticket = Ticket.objects.get()
    assert (ticket.contract, ticket.customer, ticket.customer_user) == (contract, other, user)


@pytest.mark.parametrize(
    ("impact", "urgency", "level"),
    [
        (1, 1, 1), (1, 2, 1), (1, 3, 2), (1, 4, 4),
        (2, 1, 1), (2, 2, 2), (2, 3, 3), (2, 4, 4),
        (3, 1, 2), (3, 2, 3), (3, 3, 3), (3, 4, 4),
    ],
)  # fmt: skip
def test_new_priority_from_impact_and_urgency(portal_client, catalogue, impact, urgency, level):
    portal_client.post(
        reverse("portal:new"),
        final_post(catalogue["service"], catalogue["laptop"], impact=impact, urgency=urgency),
    )

    assert Ticket.objects.get().priority.level == level


def test_new_post_forged_service_creates_nothing(portal_client, catalogue):
    foreign = factories.ServiceFactory()
    factories.ContractFactory(services=[foreign])

    response = portal_client.post(reverse("portal:new"), final_post(foreign), follow=True)

    assert response.redirect_chain[0] == (reverse("portal:new"), 302)
    assert "This service is not available to you" in response.content.decode()
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize("case", ["expired", "inactive-service", "inactive-subcategory"])
def test_new_post_service_no_longer_allowed_creates_nothing(portal_client, catalogue, case):
    if case == "expired":
        catalogue["contract"].end_date = timezone.localdate() - datetime.timedelta(days=1)
        catalogue["contract"].save()
    elif case == "inactive-service":
        Service.objects.filter(pk=catalogue["service"].pk).update(is_active=False)
    else:
        Service.objects.filter(pk=catalogue["laptop"].pk).update(is_active=False)

    portal_client.post(reverse("portal:new"), final_post(catalogue["service"], catalogue["laptop"]))

    assert Ticket.objects.count() == 0


def test_new_post_subcategory_of_another_service_is_refused(portal_client, portal_user, catalogue):
    other = factories.ServiceFactory()
    other_child = factories.ServiceFactory(parent=other)
    factories.ContractFactory(customer=portal_user.customer, services=[other])

    response = portal_client.post(
        reverse("portal:new"), final_post(catalogue["service"], other_child)
    )

    assert response.status_code == 200
    assert "This sub-category does not belong to the service." in response.content.decode()
    assert Ticket.objects.count() == 0


def test_new_post_missing_subcategory_is_refused(portal_client, catalogue):
    response = portal_client.post(reverse("portal:new"), final_post(catalogue["service"]))

    assert response.status_code == 200
    assert "Choose a sub-category." in response.content.decode()
    assert Ticket.objects.count() == 0


def test_new_post_invalid_keeps_input_and_creates_nothing(portal_client, catalogue):
    data = final_post(catalogue["service"], catalogue["laptop"], title="", impact=7)

    response = portal_client.post(reverse("portal:new"), data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in content
    assert "Select a valid choice. 7 is not one of the available choices." in content
    assert "Paper stuck in tray 2." in content
    assert Ticket.objects.count() == 0


def test_new_double_submit_creates_one_ticket(portal_client, portal_user, catalogue):
    data = final_post(catalogue["service"], catalogue["laptop"])

    first = portal_client.post(reverse("portal:new"), data)
    second = portal_client.post(reverse("portal:new"), data)

    ticket = Ticket.objects.get()
    assert first.url == second.url == reverse("portal:detail", args=[ticket.number])
    assert Article.objects.count() == 1
    submission = Submission.objects.get()
    assert (submission.user, submission.action, str(submission.key), submission.result) == (
        portal_user.user,
        "portal:new",
        data["key"],
        ticket.number,
    )


def test_new_same_key_from_another_user_is_a_new_request(portal_client, portal_user, catalogue):
    data = final_post(catalogue["service"], catalogue["laptop"])
    portal_client.post(reverse("portal:new"), data)
    colleague = factories.PortalUserFactory(customer=portal_user.customer)
    portal_client.force_login(colleague.user)

    portal_client.post(reverse("portal:new"), data)

    assert sorted(Ticket.objects.values_list("customer_user__login", flat=True)) == sorted(
        [portal_user.login, colleague.login]
    )


def test_new_too_many_attachments_is_refused(portal_client, catalogue, settings):
    settings.HELPDESK_MAX_ATTACHMENTS = 2
    files = [upload(f"f{i}.txt") for i in range(3)]

    response = portal_client.post(
        reverse("portal:new"),
        final_post(catalogue["service"], catalogue["laptop"], attachments=files),
    )

    assert response.status_code == 200
    assert "At most 2 files can be attached." in response.content.decode()
    assert Ticket.objects.count() == 0


def test_new_too_large_attachment_is_refused(portal_client, catalogue, settings):
    settings.HELPDESK_MAX_ATTACHMENT_SIZE = 1024 * 1024
    big = upload("big.bin", b"x" * (1024 * 1024 + 1), "application/octet-stream")

    response = portal_client.post(
        reverse("portal:new"),
        final_post(catalogue["service"], catalogue["laptop"], attachments=[big]),
    )

    assert response.status_code == 200
    assert "big.bin is larger than the limit of 1 MB." in response.content.decode()
    assert Ticket.objects.count() == 0


def test_new_anonymous_goes_to_portal_login(client):
    response = client.get(reverse("portal:new"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


def test_new_agent_is_sent_to_agent_side(agent_client):
    response = agent_client.post(reverse("portal:new"), {})

    assert response.status_code == 302
    assert response.url == reverse("dashboards:home")
    assert Ticket.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_new_concurrent_double_submit_creates_one_ticket():
    import threading

    from django.db import connection

    from portal.services import portal_request_create

    user = factories.PortalUserFactory()
    service = factories.ServiceFactory()
    factories.ContractFactory(customer=user.customer, services=[service])
    key, results, errors = uuid.uuid4(), [], []
    barrier = threading.Barrier(4)

    def submit():
        try:
            barrier.wait(timeout=10)
            results.append(
                portal_request_create(
                    customer_user=user,
                    key=key,
                    service=service,
                    subcategory=None,
                    title="Twice",
                    description="Clicked twice",
                    impact=3,
                    urgency=3,
                )
            )
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=submit) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    ticket = Ticket.objects.get()
    assert errors == []
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert {t.pk for t, _ in results} == {ticket.pk}
