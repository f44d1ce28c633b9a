"""Bad input found by a hostile review: each answers a 404 or a form error, never a 500, on
SQLite and on PostgreSQL (which refuses a NUL in a string outright)."""

import csv
import html
import re
from importlib import import_module
from io import StringIO
from urllib.parse import quote

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from contracts.models import Contract
from customers.models import Customer, CustomerUser
from customers.services import (
    CustomerError,
    customer_admin_group_ensure,
    customer_user_create,
)
from tests import factories
from tests.customers.helpers import HTMX, customer_admin
from tests.security.world import build_world, url_kwargs, url_names
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

ROUTES = url_names()
CONTROL_CHARACTERS = ["\x00", "\n", "\x1b", "\x7f"]
# Routes with a natural key (ticket number, customer ID, login) in the path.
KEYED_ROUTES = sorted(
    name
    for name, pattern in ROUTES.items()
    if {type(c).__name__ for c in pattern.pattern.converters.values()}
    & {"KeyConverter", "KeyPathConverter"}
)
MARK = "zzMARKzz"


def test_every_natural_key_in_a_path_uses_a_converter_without_control_characters():
    """`str` and `path` are left only for names looked up in code (dashboard and widget keys)."""
    loose = sorted(
        (name, param)
        for name, pattern in ROUTES.items()
        if not name.startswith("admin:")
        for param, converter in pattern.pattern.converters.items()
        if type(converter).__name__ in ("StringConverter", "PathConverter")
        and param not in ("dashboard", "widget")
    )

    assert loose == []
    assert len(KEYED_ROUTES) == 39


@pytest.mark.parametrize("name", KEYED_ROUTES)
def test_a_control_character_in_a_path_key_answers_404_for_everyone(name):
    world = build_world()
    pattern = ROUTES[name]
    kwargs = url_kwargs(world, name, pattern)
    keys = {
        param
        for param, converter in pattern.pattern.converters.items()
        if type(converter).__name__ in ("KeyConverter", "KeyPathConverter")
    }
    found = set()
    for key in keys:
        for char in CONTROL_CHARACTERS:
            url = reverse(name, kwargs={**kwargs, key: MARK}).replace(
                MARK, quote(f"{kwargs[key]}{char}", safe="")
            )
            for role in ("anon", "portal", "power", "agent", "admin"):
                client = Client()
                if world.users[role] is not None:
                    client.force_login(world.users[role])
                for method in ("get", "post"):
                    found.add(
                        (key, repr(char), role, method, getattr(client, method)(url).status_code)
                    )

    assert {status for *_, status in found} == {404}


@pytest.mark.parametrize("param", ["customer", "customer_user", "location"])
def test_a_control_character_in_the_new_ticket_customer_fields_is_refused(
    agent_client, queue, param
):
    """The customer-dependent selects look the customer up from the raw parameters."""
    contact = factories.CustomerUserFactory()
    data = {
        "customer": contact.customer.customer_id,
        "customer_user": contact.login,
        "title": "Printer",
        "body": "Jammed",
        "queue": queue.pk,
        param: f"{contact.customer.customer_id}\x00",
    }

    options = agent_client.get(reverse("tickets:new-options"), data)
    created = agent_client.post(reverse("tickets:new-phone"), data)

    assert (options.status_code, created.status_code) == (200, 422)
    assert Ticket.objects.count() == 0


# --- dates at the ends of the calendar --------------------------------------------------------

DATE_ERROR = "Enter a date between the years 1900 and 2200."
FAR_DATES = [("9999-12-31", "America/New_York"), ("0001-01-01", "Asia/Tokyo")]
DAY_PARAMS = ["created_after", "created_before", "closed_after", "closed_before"]


@pytest.mark.parametrize(("day", "zone"), [*FAR_DATES, ("9999-12-31", "UTC")])
@pytest.mark.parametrize("param", DAY_PARAMS)
def test_a_far_day_in_the_ticket_search_is_a_form_error(
    agent_client, settings, queue, day, zone, param
):
    settings.TIME_ZONE = zone
    factories.TicketFactory(queue=queue, state="closed")

    response = agent_client.get(reverse("tickets:list"), {param: day})

    assert response.status_code == 200
    assert DATE_ERROR in response.content.decode()
    assert 'data-ticket="' not in response.content.decode()


@pytest.mark.parametrize(("day", "zone"), [*FAR_DATES, ("9999-12-31", "UTC")])
@pytest.mark.parametrize("param", DAY_PARAMS)
def test_a_far_day_in_the_portal_closed_search_is_a_form_error(client, settings, day, zone, param):
    settings.TIME_ZONE = zone
    power = factories.PortalUserFactory(is_power_user=True)
    factories.TicketFactory(customer_user=power, customer=power.customer, state="closed")
    client.force_login(power.user)

    response = client.get(reverse("portal:closed"), {param: day})

    assert response.status_code == 200
    assert DATE_ERROR in response.content.decode()


@pytest.mark.parametrize(
    ("moment", "zone"),
    [("9999-12-31T23:59", "America/New_York"), ("0001-01-01T00:00", "Asia/Tokyo")],
)
def test_a_far_pending_time_is_a_form_error(agent_client, settings, queue, moment, zone):
    settings.TIME_ZONE = zone
    ticket = factories.TicketFactory(queue=queue, state="open")

    response = agent_client.post(
        reverse("tickets:set-state", args=[ticket.number]),
        {"state": "pending", "pending_until": moment},
    )

    assert response.status_code == 422
    assert DATE_ERROR in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.state.name, ticket.pending_until) == ("open", None)


@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_a_far_contract_date_is_a_form_error(client, admin_user, field):
    customer = factories.CustomerFactory()
    contact = factories.CustomerUserFactory(customer=customer)
    client.force_login(admin_user)
    data = {
        "description": "Support",
        "customer_contact": contact.pk,
        "support_contact": admin_user.pk,
        "start_date": "2026-01-01",
        field: "9999-12-31",
        "is_active": "on",
    }

    response = client.post(reverse("customers:contract-create", args=[customer.customer_id]), data)

    assert response.status_code == 422
    assert DATE_ERROR in response.content.decode()
    assert Contract.objects.count() == 0


# --- logins -----------------------------------------------------------------------------------

LOGIN_ERROR = "Use only letters, digits and . @ _ + - in a login (no spaces or line breaks)."
BAD_LOGINS = ["jane\ndoe", "jane\tdoe", "jane doe", "jane/doe", "jane;doe", "jane\x7f"]


def _customer_user_data(customer, login):
    return {
        "login": login,
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane@example.com",
        "customer": customer.pk,
        "customers": [customer.pk],
        "is_active": "on",
    }


@pytest.mark.parametrize("login", BAD_LOGINS)
def test_a_login_outside_the_rule_is_a_form_error_when_adding(client, login):
    client.force_login(customer_admin())
    customer = factories.CustomerFactory()

    response = client.post(
        reverse("dashboards:customer-user-add", args=[customer.customer_id]),
        _customer_user_data(customer, login),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert LOGIN_ERROR in response.content.decode()
    assert CustomerUser.objects.count() == 0


@pytest.mark.parametrize("login", BAD_LOGINS)
def test_a_login_outside_the_rule_is_a_form_error_when_editing(client, login):
    client.force_login(customer_admin())
    contact = factories.CustomerUserFactory(login="jane")

    response = client.post(
        reverse("dashboards:customer-user-edit", args=["jane"]),
        _customer_user_data(contact.customer, login),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert LOGIN_ERROR in response.content.decode()
    assert list(CustomerUser.objects.values_list("login", flat=True)) == ["jane"]


def test_a_login_outside_the_rule_is_refused_in_the_admin(client, admin_user):
    customer = factories.CustomerFactory()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:customers_customeruser_add"),
        {**_customer_user_data(customer, "jane\ndoe"), "is_power_user": ""},
    )

    assert response.status_code == 200
    assert LOGIN_ERROR in response.content.decode()
    assert CustomerUser.objects.count() == 0


@pytest.mark.parametrize("login", ["jane\ndoe", "jane doe"])
def test_a_login_outside_the_rule_is_refused_by_the_service(login):
    customer = factories.CustomerFactory()

    with pytest.raises(CustomerError, match="Use only letters, digits"):
        customer_user_create(
            customer=customer, first_name="Jane", last_name="Doe", email="j@x.com", login=login
        )

    assert CustomerUser.objects.count() == 0


@pytest.mark.parametrize(
    ("column", "value", "error"),
    [
        ("login", "jane\ndoe", f"login: {LOGIN_ERROR}"),
        ("login", "jane doe", f"login: {LOGIN_ERROR}"),
        (
            "customer_id",
            "AC/ME",
            "customer_id: Use letters, digits, spaces and punctuation other than / and \\.",
        ),
    ],
)
def test_a_bad_key_in_the_csv_import_imports_nothing(tmp_path, column, value, error):
    path = tmp_path / "customers.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_type", "customer_id", "name", "login", "first_name", "last_name",
                         "email"])  # fmt: skip
        row = {"customer_id": "ACME", "login": "jane"}
        row[column] = value
        writer.writerow(["customer", row["customer_id"], "Acme", "", "", "", ""])
        writer.writerow(["user", "ACME", "", row["login"], "Jane", "Doe", "jane@example.com"])
    err = StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_customers", str(path), stdout=StringIO(), stderr=err, verbosity=0)

    assert error in err.getvalue()
    assert (Customer.objects.count(), CustomerUser.objects.count()) == (0, 0)


def test_existing_logins_with_control_characters_are_repaired_and_every_page_answers(
    agent_client,
):
    """Logins saved before the rule: the migration's repair makes them usable in URLs again;
    logins with spaces (allowed then, and fine in URLs) stay as they were."""
    acme = factories.CustomerFactory(customer_id="ACME")
    broken = factories.PortalUserFactory(login="jane\ndoe", customer=acme, last_name="Broken")
    factories.CustomerUserFactory(login="jane_doe", customer=acme)  # the repair's first choice
    spaced = factories.CustomerUserFactory(login="jim (ext)", customer=acme)
    repair = import_module("customers.migrations.0007_login_characters").repair_logins

    repair(django_apps, None)

    broken.refresh_from_db()
    broken.user.refresh_from_db()
    spaced.refresh_from_db()
    assert (broken.login, broken.user.username, spaced.login) == (
        "jane_doe2",
        "jane_doe2",
        "jim (ext)",
    )
    widget = agent_client.get(
        reverse("dashboards:widget", args=["cic", "ACME", "customer-users"]), headers=HTMX
    )
    search = agent_client.get(
        reverse("dashboards:search"),
        {"q": "Broken", "kind": "customer_user", "dashboard": "cuic"},
        headers=HTMX,
    )
    page = agent_client.get(reverse("dashboards:cuic-user", args=["jane_doe2"]))
    assert (widget.status_code, search.status_code, page.status_code) == (200, 200, 200)
    assert 'data-customer-user="jane_doe2"' in widget.content.decode()
    assert 'data-result="customer_user:jane_doe2"' in search.content.decode()


# --- values derived from what people typed fit their columns -----------------------------------

LONGEST_TITLE = "T" * 255


def test_a_reply_to_a_ticket_with_the_longest_title_is_saved(agent_client, queue):
    ticket = factories.TicketFactory(queue=queue, state="open", title=LONGEST_TITLE)

    response = agent_client.post(reverse("tickets:reply", args=[ticket.number]), {"body": "Done"})

    assert response.status_code == 302
    assert ticket.articles.latest("id").subject == "Re: " + "T" * 250 + "…"


@pytest.mark.parametrize(
    ("action", "state", "data", "subject"),
    [
        ("portal:update", "open", {"comment": "More"}, "Re: " + "T" * 250 + "…"),
        ("portal:reopen", "resolved", {"comment": "Again"}, "Reopened: " + "T" * 244 + "…"),
    ],
)
def test_a_portal_answer_on_a_request_with_the_longest_title_is_saved(
    portal_client, portal_user, action, state, data, subject
):
    ticket = factories.TicketFactory(customer_user=portal_user, state=state, title=LONGEST_TITLE)

    response = portal_client.post(reverse(action, args=[ticket.number]), data)

    assert response.status_code == 302
    assert ticket.articles.latest("id").subject == subject


# --- passwords --------------------------------------------------------------------------------

WEAK_PASSWORDS = [
    (" " * 8, "This password consists of spaces only."),
    (" " * 12 + "\t", "This password consists of spaces only."),
    ("aaaaaaaa", "This password repeats too few characters: use at least 5 different ones."),
    ("abababab", "This password repeats too few characters: use at least 5 different ones."),
    ("xyzxyzxyzxyz", "This password repeats too few characters: use at least 5 different ones."),
]


@pytest.mark.parametrize(("password", "error"), WEAK_PASSWORDS)
def test_a_weak_password_is_refused_by_the_portal_password_change(
    portal_client, portal_user, password, error
):
    response = portal_client.post(
        reverse("portal:password"),
        {"old_password": factories.PASSWORD, "new_password1": password, "new_password2": password},
    )

    portal_user.user.refresh_from_db()
    assert response.status_code == 200
    assert error in html.unescape(response.content.decode())
    assert portal_user.user.check_password(factories.PASSWORD)


@pytest.mark.parametrize(("password", "error"), WEAK_PASSWORDS)
def test_a_weak_password_is_refused_by_createagent(password, error):
    with pytest.raises(CommandError, match=re.escape(error)):
        call_command("createagent", "frank", "frank@example.com", "--password", password)

    assert not get_user_model().objects.filter(username="frank").exists()


def test_a_varied_password_passes_every_rule(portal_client, portal_user):
    password = "kettle-Orbit-93"

    response = portal_client.post(
        reverse("portal:password"),
        {"old_password": factories.PASSWORD, "new_password1": password, "new_password2": password},
    )

    portal_user.user.refresh_from_db()
    assert response.status_code == 302
    assert portal_user.user.check_password(password)


# --- login throttling per address ---------------------------------------------------------------


@pytest.fixture
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.HELPDESK_ADDRESS_FAILURE_LIMIT = 6


def _login(client, url_name, username, password):
    return client.post(reverse(url_name), {"username": username, "password": password})


@pytest.mark.usefixtures("_limits")
@pytest.mark.parametrize("url_name", ["login", "portal:login"])
def test_one_address_trying_a_password_on_many_accounts_is_locked_out(client, url_name):
    make = factories.AgentFactory if url_name == "login" else factories.PortalUserFactory
    users = [make() for _ in range(7)]
    names = [getattr(user, "username", None) or user.login for user in users]
    # Under the per-account limit everywhere, and the address still answers until its own.
    tries = [_login(client, url_name, name, "Winter2026!").status_code for name in names[:5]]
    last_try = _login(client, url_name, names[5], "Winter2026!")
    locked = _login(client, url_name, names[6], factories.PASSWORD)

    assert tries == [200] * 5
    assert last_try.status_code == 429
    assert (locked.status_code, b"data-lockout" in locked.content) == (429, True)
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("_limits")
def test_a_successful_login_does_not_clear_the_address_count(client):
    own = factories.PortalUserFactory()
    victims = [factories.PortalUserFactory().login for _ in range(6)]
    for victim in victims[:3]:
        _login(client, "portal:login", victim, "Winter2026!")
    assert _login(client, "portal:login", own.login, factories.PASSWORD).status_code == 302
    client.logout()

    for victim in victims[3:5]:
        assert _login(client, "portal:login", victim, "Winter2026!").status_code == 200
    assert _login(client, "portal:login", victims[5], "Winter2026!").status_code == 429


@pytest.mark.usefixtures("_limits")
def test_other_addresses_still_log_in_while_one_is_locked_out(client):
    user = factories.PortalUserFactory()
    for _ in range(6):
        _login(client, "portal:login", factories.PortalUserFactory().login, "Winter2026!")

    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    response = _login(elsewhere, "portal:login", user.login, factories.PASSWORD)

    assert response.status_code == 302


# --- the portal's caller filter takes a login ---------------------------------------------------


def test_the_closed_search_caller_is_a_login(client):
    power = factories.PortalUserFactory(is_power_user=True, login="boss")
    colleague = factories.PortalUserFactory(customer=power.customer, login="jane")
    mine = factories.TicketFactory(customer_user=power, customer=power.customer, state="closed")
    theirs = factories.TicketFactory(
        customer_user=colleague, customer=power.customer, state="closed"
    )
    client.force_login(power.user)
    url = reverse("portal:closed")

    by_login = client.get(url, {"caller": "jane"})
    unknown = client.get(url, {"caller": "nobody"})
    by_key = client.get(url, {"caller": str(colleague.pk)})

    assert 'value="jane"' in client.get(url).content.decode()
    assert f'data-ticket="{theirs.number}"' in by_login.content.decode()
    assert f'data-ticket="{mine.number}"' not in by_login.content.decode()
    for response in (unknown, by_key):
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()


# --- the New Customer Contact modal needs "Create/Edit Customers" -------------------------------


def test_an_agent_without_customer_rights_cannot_add_a_contact_from_the_new_ticket_page(
    agent_client,
):
    contact = factories.CustomerUserFactory()
    customer = contact.customer
    url = reverse("tickets:new-contact", args=[customer.customer_id])
    data = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}

    modal = agent_client.get(url, headers=HTMX)
    posted = agent_client.post(url, data, headers=HTMX)
    page = agent_client.get(reverse("tickets:new-phone"), {"customer_user": contact.login})
    options = agent_client.get(
        reverse("tickets:new-options"), {"customer": customer.customer_id}, headers=HTMX
    )

    assert (modal.status_code, posted.status_code) == (403, 403)
    assert b'data-error="forbidden"' in posted.content
    assert list(CustomerUser.objects.all()) == [contact]
    for response in (page, options):
        assert response.status_code == 200
        assert b'data-action="new-contact"' not in response.content


def test_an_agent_with_customer_rights_sees_and_uses_the_contact_modal(agent_client, agent):
    agent.groups.add(customer_admin_group_ensure())
    contact = factories.CustomerUserFactory()
    customer = contact.customer
    url = reverse("tickets:new-contact", args=[customer.customer_id])

    page = agent_client.get(reverse("tickets:new-phone"), {"customer_user": contact.login})
    options = agent_client.get(
        reverse("tickets:new-options"), {"customer": customer.customer_id}, headers=HTMX
    )
    posted = agent_client.post(
        url, {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}
    )

    for response in (page, options):
        assert b'data-action="new-contact"' in response.content
        assert f'hx-get="{url}"' in response.content.decode()
    assert posted.status_code == 200
    assert CustomerUser.objects.get(email="grace@example.com").customer == customer
