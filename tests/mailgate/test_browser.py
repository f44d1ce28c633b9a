"""The email conversation end to end in Chromium: a customer's email becomes a ticket, the agent
answers in the zoom, the answer reaches a real SMTP server, and the customer's answer to it
comes back into the same ticket."""

from email.message import EmailMessage

import pytest
from django.urls import reverse

from mailgate.models import InboundMessage
from tests import factories
from tests.conftest import login_in_browser
from tests.outbox.conftest import (
    smtp_server,  # noqa: F401  (the fixture)
    wait_for,
)

from .helpers import ingest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_customer_email_agent_reply_customer_answer_in_one_thread(
    page,
    screenshot,
    smtp_server,  # noqa: F811
):
    queue = factories.QueueFactory(name="Support", email_address="support@helpdesk.example")
    agent = factories.AgentFactory(first_name="Sam", last_name="Support")
    factories.TeamFactory(members=[agent], queues=[queue])
    contact = factories.CustomerUserFactory(
        first_name="Paula", last_name="Meyer", email="paula.meyer@acme.example"
    )

    first = EmailMessage()
    first["From"] = "Paula Meyer <paula.meyer@acme.example>"
    first["To"] = "Support <support@helpdesk.example>"
    first["Subject"] = "Scanner on floor 2 jams"
    first["Message-ID"] = "<first-1@acme.example>"
    first.set_content("Hello,\nthe scanner on floor 2 jams on every page.\nPaula")
    taken = ingest(first.as_bytes())
    ticket = taken.ticket
    assert taken.outcome == InboundMessage.Outcome.NEW_TICKET
    assert ticket.customer_user == contact

    login_in_browser(page, "login", agent.username)
    page.goto(page.base_url + reverse("tickets:detail", args=[ticket.number]))
    page.wait_for_selector("text=the scanner on floor 2 jams on every page.")
    page.fill("#action-reply textarea[name=body]", "Hello Paula, please open the rear flap.")
    page.click("[data-action=reply]")
    page.wait_for_selector("text=Hello Paula, please open the rear flap.")

    # The reply left by SMTP from the queue's address, threaded under the customer's email.
    wait_for(lambda: smtp_server.messages, "the reply at the SMTP server")
    recipients, reply = smtp_server.messages[-1]
    assert recipients == ("paula.meyer@acme.example",)
    assert reply["From"] == "support@helpdesk.example"
    assert reply["In-Reply-To"] == "<first-1@acme.example>"
    assert "<first-1@acme.example>" in reply["References"]
    assert f"[Ticket#{ticket.number}]" in reply["Subject"]
    assert reply["X-Helpdesk-Loop"]

    # Paula answers from her mail program: In-Reply-To our reply, no ticket number needed.
    answer = EmailMessage()
    answer["From"] = "Paula Meyer <paula.meyer@acme.example>"
    answer["To"] = "support@helpdesk.example"
    answer["Subject"] = "Re: scanner"
    answer["Message-ID"] = "<answer-2@acme.example>"
    answer["In-Reply-To"] = reply["Message-ID"]
    answer["References"] = f"<first-1@acme.example> {reply['Message-ID']}"
    answer.set_content(
        "That fixed it, thank you!\n\nOn Thu, Sam Support wrote:\n> Hello Paula, please open the "
        "rear flap."
    )
    back = ingest(answer.as_bytes())
    assert back.outcome == InboundMessage.Outcome.FOLLOW_UP
    assert back.ticket == ticket

    page.reload()
    page.wait_for_selector("text=That fixed it, thank you!")
    articles = page.locator("article.article")
    assert articles.count() == 3
    assert "the scanner on floor 2 jams" in articles.nth(0).inner_text()
    assert "please open the rear flap" in articles.nth(1).inner_text()
    answer_article = articles.nth(2)
    assert "That fixed it, thank you!" in answer_article.inner_text()
    # The quoted tail of the customer's answer waits behind its toggle.
    quoted = answer_article.locator("[data-quoted]")
    assert not quoted.locator(".quoted-body").is_visible()
    quoted.locator("summary").click()
    assert quoted.locator(".quoted-body").is_visible()
    assert answer_article.locator("[data-email-headers]").is_visible()
    screenshot("mailgate-01-email-thread")
