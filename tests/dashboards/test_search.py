"""Search dialogs of the CIC and CUIC (DESIGN §5 "Search dialogs")."""

import pytest
from django.urls import reverse

from tests import factories

from .helpers import HX, markers

pytestmark = pytest.mark.django_db


def search(client, q, kind="customer", dashboard="cic", htmx=True):
    params = {"q": q, "kind": kind, "dashboard": dashboard}
    return client.get(reverse("dashboards:search"), params, headers=HX if htmx else {})


def total(html: str) -> int:
    values = markers(html, "total")
    assert len(values) == 1
    return int(values[0])


def test_search_one_character_shows_hint_without_query(agent_client, django_assert_num_queries):
    factories.CustomerFactory(customer_id="ACME")
    # session + user only: the hint runs no search query
    with django_assert_num_queries(2):
        response = search(agent_client, "A")
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-hint" in html
    assert markers(html, "result") == []
    assert markers(html, "total") == []


def test_search_two_characters_match_customer_id_and_name_case_insensitive(agent_client):
    factories.CustomerFactory(customer_id="ACME", name="Acme Corp")
    factories.CustomerFactory(customer_id="GLOBEX", name="Globex Inc")
    factories.CustomerFactory(customer_id="INIT", name="Initech Ac Division")

    html = search(agent_client, "ac").content.decode()

    assert markers(html, "result") == ["customer:ACME", "customer:INIT"]
    assert total(html) == 2


def test_search_wildcard_matches_any_run_inside_a_term(agent_client):
    factories.CustomerFactory(customer_id="ACME", name="Acme Corp")
    factories.CustomerFactory(customer_id="ARCADE", name="Arcade Games")
    factories.CustomerFactory(customer_id="ZED", name="Zed")

    html = search(agent_client, "a*e").content.decode()

    assert markers(html, "result") == ["customer:ACME", "customer:ARCADE"]


def test_search_wildcard_term_is_also_a_substring(agent_client):
    factories.CustomerFactory(customer_id="BIGACME", name="Big")
    factories.CustomerFactory(customer_id="OTHER", name="Other")

    html = search(agent_client, "ac*").content.decode()

    assert markers(html, "result") == ["customer:BIGACME"]


def test_search_percent_and_underscore_are_literal(agent_client):
    factories.CustomerFactory(customer_id="A_B", name="Under score")
    factories.CustomerFactory(customer_id="AXB", name="Plain")

    html = search(agent_client, "a_b").content.decode()

    assert markers(html, "result") == ["customer:A_B"]


def test_search_two_asterisks_list_everything_active(agent_client):
    factories.CustomerFactory(customer_id="ONE")
    factories.CustomerFactory(customer_id="TWO")
    factories.CustomerFactory(customer_id="OLD", is_active=False)

    html = search(agent_client, "**").content.decode()

    assert markers(html, "result") == ["customer:ONE", "customer:TWO"]
    assert total(html) == 2


def test_search_leaves_out_inactive_customers_and_customer_users(agent_client):
    factories.CustomerFactory(customer_id="ACTIVE1", name="Findme")
    factories.CustomerFactory(customer_id="GONE1", name="Findme", is_active=False)
    factories.CustomerUserFactory(login="findme.active", first_name="A", last_name="B")
    factories.CustomerUserFactory(login="findme.gone", is_active=False)

    customers = search(agent_client, "findme").content.decode()
    users = search(agent_client, "findme", kind="customer_user").content.decode()

    assert markers(customers, "result") == ["customer:ACTIVE1"]
    assert markers(users, "result") == ["customer_user:findme.active"]


def test_search_shows_at_most_twenty_with_the_total(agent_client):
    for n in range(25):
        factories.CustomerFactory(customer_id=f"MANY{n:02d}")

    html = search(agent_client, "many").content.decode()

    assert len(markers(html, "result")) == 20
    assert total(html) == 25
    assert "Showing the first 20 of 25" in html


def test_search_typed_terms_show_the_first_twenty_in_name_order_with_the_total(
    agent_client, django_assert_num_queries
):
    """Typed terms count their matches with a window count: the total and the order must be
    those of the whole match set, not of the page."""
    for n in reversed(range(23)):
        factories.CustomerUserFactory(
            login=f"zz.match{n:02d}", first_name="Pat", last_name=f"Match{n:02d}"
        )
    factories.CustomerUserFactory(login="zz.other", first_name="Other", last_name="Person")
    factories.CustomerUserFactory(login="zz.match.gone", last_name="Match99", is_active=False)

    with django_assert_num_queries(4):  # session, user, first ids with the total, their rows
        html = search(agent_client, "match", kind="customer_user").content.decode()

    assert markers(html, "result") == [f"customer_user:zz.match{n:02d}" for n in range(20)]
    assert total(html) == 23
    assert "Showing the first 20 of 23" in html
    nothing = search(agent_client, "nomatch", kind="customer_user").content.decode()
    assert total(nothing) == 0


def test_search_two_asterisks_list_customer_users_in_name_order(agent_client):
    factories.CustomerUserFactory(login="b", first_name="Ann", last_name="Zed")
    factories.CustomerUserFactory(login="c", first_name="Bob", last_name="Abel")
    factories.CustomerUserFactory(login="a", first_name="Ann", last_name="Abel")

    html = search(agent_client, "**", kind="customer_user").content.decode()

    assert markers(html, "result") == ["customer_user:a", "customer_user:c", "customer_user:b"]
    assert total(html) == 3


def assert_only_found(agent_client, customer_user, queries):
    """Each query finds this customer user and no one else."""
    for query in queries:
        html = search(agent_client, query, kind="customer_user").content.decode()
        assert markers(html, "result") == [f"customer_user:{customer_user.login}"], query


def test_search_customer_users_by_login_names_full_name_and_email(agent_client):
    jane = factories.CustomerUserFactory(
        login="jdoe", first_name="Jane", last_name="Doe", email="jane@example.org"
    )
    factories.CustomerUserFactory(
        login="other", first_name="Max", last_name="Power", email="max@example.net"
    )

    assert_only_found(
        agent_client, jane, ["JDO", "jan", "DOE", "jane d*", "ne*oe", "example.org", "jane doe"]
    )


def test_search_customer_users_by_first_or_last_name_alone(agent_client):
    """Names that appear nowhere else (not in the login or email) are still found, by part of
    the first or the last name, and across both with a wildcard."""
    quirin = factories.CustomerUserFactory(
        login="u1", first_name="Quirin", last_name="Zebulon", email="u1@example.org"
    )
    factories.CustomerUserFactory(
        login="u2", first_name="Max", last_name="Power", email="u2@example.org"
    )

    assert_only_found(
        agent_client, quirin, ["quir", "IRIN", "zebu", "ULON", "rin zeb", "rin*zeb", "n*z"]
    )


def test_search_customer_user_hit_opens_the_cic_of_its_primary_customer(agent_client):
    acme = factories.CustomerFactory(customer_id="ACME")
    factories.CustomerUserFactory(login="j.doe", customer=acme, first_name="Jane", last_name="D")

    html = search(agent_client, "j.doe", kind="customer_user").content.decode()

    assert reverse("dashboards:cic-customer", args=["ACME"]) in html
    assert "Jane D &lt;j.doe@customer.example.com&gt;" in html


def test_search_cuic_hit_opens_the_cuic_with_an_unusual_login(agent_client):
    factories.CustomerUserFactory(login="j.doe@x (ext)", first_name="Jane", last_name="D")

    html = search(agent_client, "doe@x", kind="customer_user", dashboard="cuic").content.decode()

    assert markers(html, "result") == ["customer_user:j.doe@x (ext)"]
    assert 'href="/dashboards/cuic/j.doe@x%20(ext)/"' in html
    page = agent_client.get(reverse("dashboards:cuic-user", args=["j.doe@x (ext)"]))
    assert page.status_code == 200


def test_search_without_htmx_renders_the_dialog_page_with_results(agent_client):
    factories.CustomerFactory(customer_id="ACME")

    response = search(agent_client, "acm", htmx=False)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="search-dialog"' in html
    assert "<html" in html
    assert markers(html, "result") == ["customer:ACME"]
    assert 'value="acm"' in html


def test_search_cuic_refuses_customer_kind(agent_client):
    response = search(agent_client, "acme", kind="customer", dashboard="cuic")

    assert response.status_code == 422
    assert b"customer users only" in response.content


def test_search_unknown_kind_is_a_clear_422(agent_client):
    response = search(agent_client, "acme", kind="tickets")

    assert response.status_code == 422
    assert b"data-error" in response.content


def test_search_anonymous_is_sent_to_login(client):
    response = client.get(reverse("dashboards:search"), {"q": "ac", "kind": "customer"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_search_portal_user_is_sent_to_the_portal(portal_client):
    response = portal_client.get(reverse("dashboards:search"), {"q": "ac", "kind": "customer"})

    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_cic_without_customer_shows_the_dialog_open(agent_client):
    html = agent_client.get(reverse("dashboards:cic")).content.decode()

    assert 'id="search-dialog"' in html
    assert "data-autoshow" in html
    assert 'id="search-customer"' in html
    assert 'id="search-customer-user"' in html


def test_cuic_without_customer_user_shows_only_the_customer_user_field(agent_client):
    html = agent_client.get(reverse("dashboards:cuic")).content.decode()

    assert "data-autoshow" in html
    assert 'id="search-customer"' not in html
    assert 'id="search-customer-user"' in html
