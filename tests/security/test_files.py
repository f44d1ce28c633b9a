"""Uploads and downloads: generated stored names, sniffed types, limits, safe downloads, and
formula-safe CSV exports."""

import csv
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from tickets.models import Article, Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HOSTILE_NAME = '../../etc/"passwd<script>.html'


@pytest.fixture
def open_ticket(portal_user, queue):
    return factories.TicketFactory(queue=queue, customer_user=portal_user, state="open")


def test_portal_upload_stores_a_generated_name_and_the_sniffed_type(portal_client, open_ticket):
    upload = SimpleUploadedFile(HOSTILE_NAME, PNG, content_type="text/html")

    response = portal_client.post(
        reverse("portal:update", args=[open_ticket.number]),
        {"comment": "screenshot attached", "attachments": [upload]},
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get(article__ticket=open_ticket)
    stored = attachment.file.name
    assert stored.startswith("attachments/")
    assert "passwd" not in stored
    assert "script" not in stored
    assert ".." not in stored
    assert attachment.content_type == "image/png"  # sniffed, not the client's text/html
    assert "/" not in attachment.filename


def test_agent_reply_upload_over_the_size_limit_is_a_form_error(agent_client, queue, settings):
    settings.HELPDESK_MAX_ATTACHMENT_SIZE = 10
    ticket = factories.TicketFactory(queue=queue, state="open")
    upload = SimpleUploadedFile("big.bin", b"x" * 11)

    response = agent_client.post(
        reverse("tickets:note", args=[ticket.number]), {"body": "see file", "attachments": [upload]}
    )

    assert response.status_code == 422
    assert b"larger than the limit" in response.content
    assert Article.objects.filter(ticket=ticket).count() == 0


def _public_attachment(ticket, name):
    article = factories.ArticleFactory(ticket=ticket, is_public=True, sender_type="customer")
    return factories.AttachmentFactory(
        article=article,
        filename=name,
        content_type="text/html",
        file=factories.factory.django.FileField(filename="x", data=b"<script>alert(1)</script>"),
    )


@pytest.mark.parametrize("side", ["agent", "portal"])
def test_every_download_is_an_attachment_with_nosniff(
    client, agent, portal_user, open_ticket, side
):
    attachment = _public_attachment(open_ticket, HOSTILE_NAME)
    if side == "agent":
        client.force_login(agent)
        url = reverse("tickets:attachment", args=[attachment.pk])
    else:
        client.force_login(portal_user.user)
        url = reverse("portal:attachment", args=[attachment.pk])

    response = client.get(url)
    body = b"".join(response.streaming_content)  # read to the end: closes the file

    assert response.status_code == 200
    assert body == b"<script>alert(1)</script>"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition.split("filename", 1)[1].replace("filename*=utf-8''", "")
    assert response["X-Content-Type-Options"] == "nosniff"
    # A customer's file never runs as our page, even if a browser rendered it.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # Served only after a permission check: no shared or browser cache keeps a copy.
    assert response["Cache-Control"] == "private, no-store"


def test_download_urls_of_someone_else_answer_404(client, open_ticket):
    attachment = _public_attachment(open_ticket, "report.txt")
    client.force_login(factories.PortalUserFactory().user)  # another customer

    response = client.get(reverse("portal:attachment", args=[attachment.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("dangerous", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "=HYPERLINK(x)"])
def test_export_neutralises_formula_cells(dangerous):
    factories.CustomerFactory(customer_id="SAFE1", name=dangerous, city=dangerous)
    factories.CustomerUserFactory(first_name=dangerous, customer__customer_id="SAFE2")
    out = StringIO()

    call_command("export_customers", stdout=out)

    cells = [cell for row in csv.reader(StringIO(out.getvalue())) for cell in row]
    assert f"'{dangerous}" in cells
    assert dangerous not in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)
