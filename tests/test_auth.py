"""Who may log in where, and what a portal user or an agent outside a team may see."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

AGENT_PAGES = [
    "dashboards:home",
    "tickets:list",
    "dashboards:cic",
    "dashboards:cuic",
    "customers:list",
]


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login_error(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


@pytest.mark.parametrize("url_name", AGENT_PAGES)
def test_auth_portal_user_gets_no_agent_page(portal_client, url_name):
    response = portal_client.get(reverse(url_name))

    assert (response.status_code, response.url) == (302, reverse("portal:home"))


@pytest.mark.parametrize("url_name", AGENT_PAGES)
def test_auth_anonymous_is_sent_to_the_agent_login(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?{urlencode({'next': reverse(url_name)})}"


def test_auth_anonymous_is_sent_to_the_portal_login(client):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


def test_auth_agent_visiting_the_portal_is_sent_to_the_agent_side(agent_client):
    response = agent_client.get(reverse("portal:home"))

    assert (response.status_code, response.url) == (302, reverse("dashboards:home"))


def test_auth_agent_outside_a_team_sees_no_ticket_of_its_queue(agent_client, queue):
    other_queue = factories.QueueFactory()
    factories.TeamFactory(queues=[other_queue])
    mine = factories.TicketFactory(queue=queue, state="new")
    foreign = factories.TicketFactory(queue=other_queue, state="new")
    factories.TicketFactory(queue=other_queue, state="open", escalation_due="2020-01-01T00:00Z")

    response = agent_client.get(reverse("dashboards:home"))

    content = response.content.decode()
    assert f'data-ticket="{mine.number}"' in content
    assert f'data-ticket="{foreign.number}"' not in content
    assert response.context["counts"] == {"locked": "0", "new": "1", "open": "0", "escalated": "0"}


def test_auth_superuser_sees_every_queue(client, admin_user, queue):
    factories.TicketFactory(queue=queue, state="new")
    factories.TicketFactory(queue=factories.QueueFactory(), state="new")
    client.force_login(admin_user)

    response = client.get(reverse("dashboards:home"))

    assert response.context["counts"]["new"] == "2"


def test_auth_agent_logs_in_at_the_agent_login(client, agent):
    response = client.post(
        reverse("login"), {"username": agent.username, "password": factories.PASSWORD}
    )

    assert (response.status_code, response.url) == (302, reverse("dashboards:home"))
    assert client.session[SESSION_KEY] == str(agent.pk)


def test_auth_portal_user_logs_in_at_the_portal_login(client, portal_user):
    response = client.post(
        reverse("portal:login"), {"username": portal_user.login, "password": factories.PASSWORD}
    )

    assert (response.status_code, response.url) == (302, reverse("portal:home"))
    assert client.session[SESSION_KEY] == str(portal_user.user.pk)


def test_auth_deactivated_customer_user_cannot_log_in_at_the_portal(client):
    deactivated = factories.PortalUserFactory(is_active=False)
    wrong = client.post(
        reverse("portal:login"), {"username": deactivated.login, "password": "wrong password"}
    )

    response = client.post(
        reverse("portal:login"), {"username": deactivated.login, "password": factories.PASSWORD}
    )

    assert response.status_code == 200
    assert login_error(response) == login_error(wrong)
    assert SESSION_KEY not in client.session


def test_auth_deactivated_customer_user_loses_an_open_session(client, portal_user):
    client.force_login(portal_user.user)
    portal_user.is_active = False
    portal_user.save()

    response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))
    assert SESSION_KEY not in client.session


def test_auth_agent_cannot_log_in_at_the_portal(client, agent):
    wrong = client.post(
        reverse("portal:login"), {"username": agent.username, "password": "wrong password"}
    )

    response = client.post(
        reverse("portal:login"), {"username": agent.username, "password": factories.PASSWORD}
    )

    assert response.status_code == 200
    assert login_error(response) == login_error(wrong)
    assert len(login_error(response)) == 1
    assert SESSION_KEY not in client.session


def test_auth_portal_user_cannot_log_in_at_the_agent_login(client, portal_user):
    wrong = client.post(
        reverse("login"), {"username": portal_user.login, "password": "wrong password"}
    )

    response = client.post(
        reverse("login"), {"username": portal_user.login, "password": factories.PASSWORD}
    )

    assert response.status_code == 200
    assert login_error(response) == login_error(wrong)
    assert len(login_error(response)) == 1
    assert SESSION_KEY not in client.session


def test_auth_agent_logout_needs_post(agent_client):
    response = agent_client.get(reverse("logout"))

    assert response.status_code == 405
    assert SESSION_KEY in agent_client.session


def test_auth_agent_logout_ends_the_session(agent_client):
    response = agent_client.post(reverse("logout"))

    assert (response.status_code, response.url) == (302, reverse("login"))
    assert SESSION_KEY not in agent_client.session
    assert agent_client.get(reverse("dashboards:home")).status_code == 302


def test_auth_portal_logout_ends_the_session(portal_client):
    assert portal_client.get(reverse("portal:logout")).status_code == 405

    response = portal_client.post(reverse("portal:logout"))

    assert (response.status_code, response.url) == (302, reverse("portal:login"))
    assert SESSION_KEY not in portal_client.session
