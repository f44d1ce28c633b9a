"""`manage.py seed_demo`: deterministic, complete demo data with working logins."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from contracts.models import Contract
from customers.models import Customer, CustomerUser
from devtools.demo import DEMO_PASSWORD
from tickets import services
from tickets.models import Article, Ticket, TicketState, TimeEntry

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", tickets=500, seed=1, stdout=out, **options)
    return out.getvalue()


def snapshot():
    return {
        "tickets": list(
            Ticket.objects.order_by("number").values_list(
                "number", "title", "state__name", "customer__customer_id", "customer_user__login"
            )
        ),
        "customers": list(
            Customer.objects.order_by("customer_id").values_list("customer_id", "name")
        ),
        "customer_users": list(
            CustomerUser.objects.order_by("login").values_list("login", "customer__customer_id")
        ),
        # Children are written by COPY on PostgreSQL: compare them too.
        "articles": list(
            Article.objects.order_by(
                "ticket__number", "sender_type", "subject", "body"
            ).values_list(
                "ticket__number", "sender_type", "channel", "is_public", "subject", "body"
            )
        ),
        "time_entries": list(
            TimeEntry.objects.order_by(
                "ticket__number", "minutes", "note", "agent__username"
            ).values_list("ticket__number", "minutes", "note", "agent__username")
        ),
        "contracts": list(
            Contract.objects.order_by("customer__customer_id", "description").values_list(
                "customer__customer_id", "description", "contract_hours"
            )
        ),
    }


def test_seed_demo_same_seed_gives_the_same_data():
    seed()
    first = snapshot()

    seed(reset=True)

    assert snapshot() == first
    assert len(first["tickets"]) == 500


def test_seed_demo_other_seed_gives_other_data():
    seed()
    first = snapshot()

    out = StringIO()
    call_command("seed_demo", tickets=500, seed=2, reset=True, stdout=out)

    assert snapshot()["tickets"] != first["tickets"]


def test_seed_demo_sizes_follow_the_options():
    out = StringIO()
    call_command("seed_demo", customers=7, users_per_customer=3, tickets=40, seed=3, stdout=out)

    assert (Customer.objects.count(), CustomerUser.objects.count(), Ticket.objects.count()) == (
        7,
        21,
        40,
    )


def test_seed_demo_covers_every_state_and_the_special_lists():
    seed()

    assert set(Ticket.objects.values_list("state__name", flat=True).distinct()) == set(
        TicketState.objects.values_list("name", flat=True)
    )
    assert Ticket.objects.escalated().exists()
    assert Ticket.objects.reminder().exists()
    assert Article.objects.filter(is_public=True).exists()
    assert Article.objects.filter(is_public=False).exists()
    assert TimeEntry.objects.exists()


def test_seed_demo_contacts_belong_to_several_customers_and_power_users_exist():
    seed()

    multi = [
        cu for cu in CustomerUser.objects.prefetch_related("customers") if cu.customers.count() > 1
    ]
    assert len(multi) > 0
    assert CustomerUser.objects.filter(is_power_user=True).exists()
    assert Contract.objects.filter(has_hour_restriction=True).exists()
    assert Contract.objects.filter(has_hour_restriction=False).exists()


def test_seed_demo_prints_the_logins_and_they_work(client):
    output = seed()

    for username in ("admin", "agent", "customer", "poweruser"):
        assert username in output
    assert DEMO_PASSWORD in output
    response = client.post(reverse("login"), {"username": "agent", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("dashboards:home")
    home = client.get(reverse("dashboards:home"))
    assert home.context["counts"]["new"] != "0"
    assert home.context["counts"]["escalated"] != "0"
    client.post(reverse("logout"))
    for username in ("customer", "poweruser"):
        client.post(reverse("portal:logout"))
        response = client.post(
            reverse("portal:login"), {"username": username, "password": DEMO_PASSWORD}
        )
        assert (response.status_code, response.url) == (302, reverse("portal:home"))
        assert client.get(reverse("portal:home")).status_code == 200
    client.post(reverse("portal:logout"))
    response = client.post(reverse("login"), {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_seed_demo_portal_users_have_a_running_contract_with_services():
    seed()

    for login in ("customer", "poweruser"):
        customer_user = CustomerUser.objects.get(login=login)
        contracts = Contract.objects.active().filter(customer=customer_user.customer)
        assert contracts.filter(services__parent__isnull=False).exists()
    assert CustomerUser.objects.get(login="poweruser").is_power_user is True
    assert CustomerUser.objects.get(login="customer").is_power_user is False


def test_seed_demo_new_tickets_get_fresh_numbers_after_seeding():
    seed()
    numbers = set(Ticket.objects.values_list("number", flat=True))

    ticket = services.ticket_create(
        title="After the demo",
        body="Hello",
        customer_user=CustomerUser.objects.get(login="customer"),
    )

    assert ticket.number not in numbers


def test_seed_demo_if_empty_keeps_existing_data():
    seed()
    before = Ticket.objects.count()

    output = seed(if_empty=True)

    assert Ticket.objects.count() == before
    assert "agent" in output


def test_seed_demo_refuses_to_add_to_existing_customers_without_reset():
    seed()

    with pytest.raises(CommandError, match="--reset"):
        seed()

    assert Ticket.objects.count() == 500


def test_seed_demo_rejects_bad_sizes():
    with pytest.raises(CommandError):
        call_command("seed_demo", customers=0, stdout=StringIO())

    assert Customer.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_demo_parallel_workers_give_the_same_data():
    call_command("seed_demo", tickets=500, seed=1, workers=2, stdout=StringIO())
    parallel = snapshot()

    call_command("seed_demo", tickets=500, seed=1, workers=1, reset=True, stdout=StringIO())

    assert snapshot() == parallel
    assert Ticket.objects.count() == 500
