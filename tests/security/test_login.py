"""Logins: throttling with a lock-out page, no user enumeration, session rotation, safe next=."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LOGINS = ("login", "portal:login")


def _user_for(url_name):
    if url_name == "login":
        return factories.AgentFactory().username
    return factories.PortalUserFactory().login


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


@pytest.mark.parametrize("url_name", LOGINS)
def test_login_locks_out_after_the_failure_limit(client, url_name):
    username = _user_for(url_name)
    url = reverse(url_name)
    for _ in range(2):
        response = client.post(url, {"username": username, "password": "wrong"})
        assert response.status_code == 200

    locked = client.post(url, {"username": username, "password": "wrong"})
    # Even the right password is refused while the lock lasts.
    still_locked = client.post(url, {"username": username, "password": factories.PASSWORD})

    for response in (locked, still_locked):
        assert response.status_code == 429
        assert b"data-lockout" in response.content
        assert b"Too many login attempts" in response.content
        assert b"try again in 15 minutes" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url_name", LOGINS)
def test_login_lockout_is_per_username(client, url_name):
    locked_user, other_user = _user_for(url_name), _user_for(url_name)
    for _ in range(3):
        client.post(reverse(url_name), {"username": locked_user, "password": "wrong"})

    response = client.post(
        reverse(url_name), {"username": other_user, "password": factories.PASSWORD}
    )

    assert response.status_code == 302


@pytest.mark.parametrize("url_name", LOGINS)
def test_login_answers_unknown_user_and_wrong_password_alike(client, url_name):
    username = _user_for(url_name)

    unknown = client.post(reverse(url_name), {"username": "nobody-here", "password": "wrong"})
    wrong = client.post(reverse(url_name), {"username": username, "password": "wrong"})

    assert (unknown.status_code, wrong.status_code) == (200, 200)
    unknown_errors = unknown.context["form"].non_field_errors()
    assert unknown_errors == wrong.context["form"].non_field_errors()
    assert "Please enter a correct" in unknown_errors[0]


def test_agent_login_refuses_a_portal_user_like_a_wrong_password(client):
    portal_user = factories.PortalUserFactory()

    response = client.post(
        reverse("login"), {"username": portal_user.login, "password": factories.PASSWORD}
    )
    wrong = client.post(reverse("login"), {"username": "nobody-here", "password": "x"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()


@pytest.mark.parametrize("url_name", LOGINS)
def test_login_rotates_the_session_key(client, url_name):
    username = _user_for(url_name)
    client.get(reverse(url_name))
    session = client.session
    session["before-login"] = True
    session.save()
    before = session.session_key

    client.post(reverse(url_name), {"username": username, "password": factories.PASSWORD})

    assert client.session.session_key != before
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("url_name", LOGINS)
@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://testserver@evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
    ],
)
def test_login_ignores_next_outside_our_site(client, url_name, target):
    username = _user_for(url_name)

    response = client.post(
        reverse(url_name),
        {"username": username, "password": factories.PASSWORD, "next": target},
    )

    assert response.status_code == 302
    default = reverse("dashboards:home") if url_name == "login" else reverse("portal:home")
    assert response["Location"] == default


@pytest.mark.parametrize(
    ("url_name", "target"), [("login", "/tickets/"), ("portal:login", "/portal/closed/")]
)
def test_login_follows_next_to_our_own_path(client, url_name, target):
    username = _user_for(url_name)

    response = client.post(
        reverse(url_name),
        {"username": username, "password": factories.PASSWORD, "next": target},
    )

    assert response["Location"] == target
