"""Every admin page answers for a superuser with data loaded, and big changelists stay cheap."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests import factories

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)
IDS = [f"{app}.{model}" for app, model in REGISTERED]


@pytest.fixture
def loaded(db):
    """A few rows of every model, linked the way real data is."""
    queue = factories.QueueFactory()
    agent = factories.AgentFactory()
    factories.TeamFactory(members=[agent], queues=[queue])
    factories.AgentPreferencesFactory(user=agent, my_queues=[queue])
    for _ in range(2):
        customer = factories.CustomerFactory()
        user = factories.PortalUserFactory(customer=customer)
        area = factories.AreaFactory(location=factories.LocationFactory(customer=customer))
        group = factories.NotificationGroupFactory(customer=customer, events=["ticket_created"])
        group.customer_users.add(user)
        parent = factories.ServiceFactory()
        child = factories.ServiceFactory(parent=parent)
        sla = factories.SLAFactory()
        sla.services.add(parent, child)
        contract = factories.ContractFactory(
            customer=customer,
            customer_contact=user,
            support_contact=agent,
            services=[parent, child],
            sla=sla,
        )
        ticket = factories.TicketFactory(
            queue=queue,
            customer_user=user,
            contract=contract,
            service=child,
            location=area.location,
            area=area,
            owner=agent,
            state="open",
        )
        article = factories.ArticleFactory(ticket=ticket, author=agent)
        factories.AttachmentFactory(article=article)
        factories.TimeEntryFactory(ticket=ticket, agent=agent)
        factories.TicketEventFactory(ticket=ticket, actor=agent)
        factories.ContractNotificationFactory(contract=contract, ticket=ticket)
        factories.DashboardPreferenceFactory(user=agent, widget=f"widget-{customer.pk}")
    factories.TicketTypeFactory(name="Incident")
    factories.OutboxMessageFactory(status="failed", attempts=12, last_error="451 try later")
    account = factories.MailAccountFactory(queue=queue, last_error="Login refused")
    factories.InboundMessageFactory(account=account, ticket=ticket, outcome="follow_up")
    return agent


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(("app", "model"), REGISTERED, ids=IDS)
def test_admin_changelist_answers_200_with_data(admin_client, loaded, app, model):
    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize(("app", "model"), REGISTERED, ids=IDS)
def test_admin_add_page_answers_200_unless_adding_is_off(
    admin_client, admin_user, loaded, app, model
):
    model_admin = next(
        ma
        for m, ma in admin.site._registry.items()
        if (m._meta.app_label, m._meta.model_name) == (app, model)
    )
    request = RequestFactory().get("/")
    request.user = admin_user

    response = admin_client.get(reverse(f"admin:{app}_{model}_add"))

    assert response.status_code == (200 if model_admin.has_add_permission(request) else 403)


@pytest.mark.parametrize(("app", "model"), REGISTERED, ids=IDS)
def test_admin_change_page_answers_200_for_an_existing_row(admin_client, loaded, app, model):
    model_class = next(
        m for m in admin.site._registry if (m._meta.app_label, m._meta.model_name) == (app, model)
    )
    obj = model_class._default_manager.order_by("pk").first()
    if obj is None:
        pytest.skip(f"no {app}.{model} row in the loaded data")

    response = admin_client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))

    assert response.status_code == 200


def test_admin_ticket_event_is_read_only(admin_client, loaded):
    event = factories.TicketEventFactory(action="state", from_value="new", to_value="open")

    response = admin_client.post(
        reverse("admin:tickets_ticketevent_change", args=[event.pk]),
        {"action": "forged", "from_value": "x", "to_value": "y"},
    )

    event.refresh_from_db()
    assert (response.status_code, event.action) == (403, "state")


def test_admin_ticket_search_matches_number_exactly(admin_client, loaded):
    wanted = factories.TicketFactory(number="2026010199999999", title="Printer jam")
    factories.TicketFactory(number="2026010199999998", title="Printer jam")

    response = admin_client.get(
        reverse("admin:tickets_ticket_changelist"), {"q": "2026010199999999"}
    )

    assert [t.pk for t in response.context["cl"].result_list] == [wanted.pk]


def test_admin_big_changelists_skip_the_full_count():
    for model in ("tickets.Ticket", "tickets.Article", "customers.CustomerUser"):
        model_class = next(m for m in admin.site._registry if m._meta.label == model)
        assert admin.site._registry[model_class].show_full_result_count is False


@pytest.mark.parametrize("size", [3, 30])
def test_admin_ticket_changelist_queries_do_not_grow(admin_client, django_assert_num_queries, size):
    queue = factories.QueueFactory()
    for _ in range(size):
        factories.TicketFactory(queue=queue, owner=factories.AgentFactory(), state="open")

    with django_assert_num_queries(7):
        response = admin_client.get(reverse("admin:tickets_ticket_changelist"))

    assert len(response.context["cl"].result_list) == size


@pytest.mark.parametrize("size", [3, 30])
def test_admin_customer_user_changelist_queries_do_not_grow(
    admin_client, django_assert_num_queries, size
):
    for _ in range(size):
        factories.CustomerUserFactory()

    with django_assert_num_queries(4):
        response = admin_client.get(reverse("admin:customers_customeruser_changelist"))

    assert len(response.context["cl"].result_list) == size


def test_admin_customer_user_change_keeps_the_primary_customer_a_member(admin_client, client):
    """The ticket rules read a user's customers from `customers` alone: an admin form that
    leaves the primary customer out of it (or moves the user to a new primary) still keeps
    the primary there, so a power user keeps seeing its primary customer's tickets."""
    old, new, member = (factories.CustomerFactory() for _ in range(3))
    power = factories.PortalUserFactory(customer=old, customers=[member], is_power_user=True)
    colleague_ticket = factories.TicketFactory(customer=new, customer_user=None)
    fields = ("login", "first_name", "last_name", "email", "phone", "mobile")
    data = {name: getattr(power, name) for name in fields}
    data.update(customer=new.pk, customers=[member.pk], user=power.user.pk, is_power_user="on")
    data["is_active"] = "on"

    response = admin_client.post(
        reverse("admin:customers_customeruser_change", args=[power.pk]), data
    )

    assert response.status_code == 302, response.content.decode()
    power.refresh_from_db()
    assert power.customer == new
    assert set(power.customers.all()) == {new, member}
    client.force_login(power.user)
    home = client.get(reverse("portal:home")).content.decode()
    assert f'data-ticket="{colleague_ticket.number}"' in home
