"""/favicon.ico answers with the static icon, and both base templates link it."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def test_favicon_redirects_to_a_real_icon(client):
    response = client.get("/favicon.ico")

    assert (response.status_code, response["Location"]) == (302, static("favicon.ico"))
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # the ICO header


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["login", "portal:login"])
def test_both_base_templates_link_the_icon(client, url_name):
    body = client.get(reverse(url_name)).content.decode()

    assert f'<link rel="icon" href="{static("favicon.ico")}"' in body
