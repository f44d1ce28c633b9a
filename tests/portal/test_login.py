"""`portal:login`: customer users with a login; deactivated contacts and agents refused."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_login_active_customer_user_lands_on_home(client):
    customer_user = factories.PortalUserFactory()

    response = client.post(
        reverse("portal:login"), {"username": customer_user.login, "password": factories.PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("portal:home")


@pytest.mark.parametrize("who", ["deactivated", "agent"])
def test_login_refused(client, who):
    if who == "deactivated":
        username = factories.PortalUserFactory(is_active=False).login
    else:
        username = factories.AgentFactory().username

    response = client.post(
        reverse("portal:login"), {"username": username, "password": factories.PASSWORD}
    )

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session
