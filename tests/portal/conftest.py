"""Arrangements shared by the portal tests."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories


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
