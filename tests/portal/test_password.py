"""`portal:password`: only for internal logins; Django's validators; the session survives."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

NEW = "a much Longer passphrase 42"


def test_password_change_keeps_the_session(portal_client, portal_user):
    response = portal_client.post(
        reverse("portal:password"),
        {"old_password": factories.PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )

    portal_user.user.refresh_from_db()
    assert response.redirect_chain == [(reverse("portal:home"), 302)]
    assert "Your password has been changed. You are still logged in." in response.content.decode()
    assert portal_user.user.check_password(NEW)
    assert portal_client.get(reverse("portal:home")).status_code == 200


def test_password_wrong_old_password_is_refused(portal_client, portal_user):
    response = portal_client.post(
        reverse("portal:password"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )

    portal_user.user.refresh_from_db()
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    assert portal_user.user.check_password(factories.PASSWORD)


def test_password_validators_apply(portal_client, portal_user):
    response = portal_client.post(
        reverse("portal:password"),
        {"old_password": factories.PASSWORD, "new_password1": "123", "new_password2": "123"},
    )

    portal_user.user.refresh_from_db()
    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert portal_user.user.check_password(factories.PASSWORD)


def test_password_page_and_menu_item_for_internal_logins(portal_client):
    response = portal_client.get(reverse("portal:password"))

    assert response.status_code == 200
    assert b'data-menu-item="password"' in response.content
    for name in ("old_password", "new_password1", "new_password2"):
        assert f'name="{name}"'.encode() in response.content


def test_password_is_404_for_external_logins(client):
    customer_user = factories.PortalUserFactory()
    customer_user.user.set_unusable_password()
    customer_user.user.save()
    client.force_login(customer_user.user)

    home = client.get(reverse("portal:home"))
    page = client.get(reverse("portal:password"))
    post = client.post(
        reverse("portal:password"),
        {"old_password": "", "new_password1": NEW, "new_password2": NEW},
    )

    customer_user.user.refresh_from_db()
    assert b'data-menu-item="password"' not in home.content
    assert (page.status_code, post.status_code) == (404, 404)
    assert not customer_user.user.has_usable_password()


def test_password_anonymous_goes_to_login(client):
    response = client.get(reverse("portal:password"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


class ExternalBackend(BaseBackend):
    """Stands for a single sign-on backend: users it logs in keep their password elsewhere."""

    def get_user(self, user_id):
        return get_user_model().objects.filter(pk=user_id).first()


def test_password_is_404_when_another_backend_logged_in(client, settings):
    external = f"{__name__}.ExternalBackend"
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", external]
    customer_user = factories.PortalUserFactory()
    client.force_login(customer_user.user, backend=external)

    response = client.get(reverse("portal:password"))

    assert response.status_code == 404
