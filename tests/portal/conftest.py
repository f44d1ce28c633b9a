"""Arrangements shared by the portal tests."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Real hashing costs about a second per factory user on a busy machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(portal_user):
    """An active contract of the portal user's customer offering one service with two
    sub-categories; returns a namespace-like dict."""
    service = factories.ServiceFactory(name="Workplace")
    laptop = factories.ServiceFactory(name="Laptop", parent=service)
    printer = factories.ServiceFactory(name="Printer", parent=service)
    contract = factories.ContractFactory(customer=portal_user.customer, services=[service])
    return {"service": service, "laptop": laptop, "printer": printer, "contract": contract}


def upload(name="report.txt", content=b"hello world", content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def login(client, customer_user):
    client.force_login(customer_user.user)
    return client


@pytest.fixture(scope="session")
def _live_server_media_url():
    """Work-around: with `MEDIA_URL = None` (settings), Django's live server media handler
    parses None into bytes and every request fails with a TypeError. Give the handler a path
    while the server starts; nothing is ever served from it (files go through views)."""
    from django.conf import settings

    original = settings.MEDIA_URL
    settings.MEDIA_URL = "/_no_media/"
    restore = lambda: setattr(settings, "MEDIA_URL", original)  # noqa: E731 - tiny callback
    yield restore
    restore()


@pytest.fixture(scope="session")
def live_server(_live_server_media_url, live_server):
    _live_server_media_url()  # the handler has read it; the rest of the session sees None
    return live_server
