"""An email article on the zoom in Chromium: its headers, the quoted tail opened with
"Show quoted text", and the HTML view loaded into its sandboxed frame only when opened."""

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import login_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BODY = (
    "Hello,\n\nthe printer on the 2nd floor works again, thank you!\n\nJane\n\n"
    "On Mon, 1 Dec 2026 at 10:00, Support <support@helpdesk.example.com> wrote:\n"
    "> Please switch the printer off and on again.\n>\n> Kind regards\n> Support"
)
HTML = (
    "<p>Hello,</p><p>the printer on the <b>2nd floor</b> works again, thank you!</p>"
    "<p>Jane</p><blockquote>Please switch the printer off and on again.</blockquote>"
)


def test_email_article_headers_quote_and_html_view(page, screenshot):
    queue = factories.QueueFactory(name="First Level", email_address="support@helpdesk.example.com")
    agent = factories.AgentFactory(first_name="Sam", last_name="Support")
    factories.TeamFactory(members=[agent], queues=[queue])
    ticket = factories.TicketFactory(queue=queue, title="Printer on the 2nd floor")
    article = factories.ArticleFactory(
        ticket=ticket,
        channel="email",
        sender_type="customer",
        is_public=True,
        subject="Re: Printer on the 2nd floor",
        body=BODY,
        body_html=HTML,
        email_from="jane@customer.example.com",
        email_to="support@helpdesk.example.com",
        email_cc="boss@customer.example.com,it@customer.example.com",
    )
    html_url = reverse("tickets:article-html", args=[ticket.number, article.pk])
    html_requests = []
    page.on("request", lambda r: html_requests.append(r.url) if html_url in r.url else None)
    login_in_browser(page, "login", agent.username)

    page.goto(page.base_url + reverse("tickets:detail", args=[ticket.number]))
    card = page.locator(f"[data-article='{article.pk}']")
    headers = card.locator("[data-email-headers]")
    assert headers.locator("[data-header=cc]").inner_text() == (
        "boss@customer.example.com, it@customer.example.com"
    )
    quote = card.locator("[data-quoted] .quoted-body")
    assert not quote.is_visible()
    assert "thank you" in card.locator(".article-body").first.inner_text()
    page.wait_for_load_state("networkidle")
    assert html_requests == []  # the frame loads when its <details> opens

    card.get_by_text("Show quoted text").click()
    quote.wait_for(state="visible")
    assert "> Please switch the printer off and on again." in quote.inner_text()

    card.get_by_text("Show HTML").click()
    frame = card.locator("iframe.article-html").content_frame
    frame.locator("b", has_text="2nd floor").wait_for()
    assert html_requests
    screenshot("tickets-email-article")


def test_reply_with_a_bad_then_a_good_cc(page, screenshot):
    queue = factories.QueueFactory(name="First Level", email_address="support@helpdesk.example.com")
    agent = factories.AgentFactory(first_name="Sam", last_name="Support")
    factories.TeamFactory(members=[agent], queues=[queue])
    ticket = factories.TicketFactory(queue=queue, state="open", title="Printer on the 2nd floor")
    customer = ticket.customer_user.email
    login_in_browser(page, "login", agent.username)
    page.goto(page.base_url + reverse("tickets:detail", args=[ticket.number]))

    page.fill("#action-reply input[name=cc]", "boss@customer.example.com; not-an-address")
    page.fill("#action-reply textarea[name=body]", "The technician comes at 3 pm.")
    page.click("[data-action=reply]")
    error = page.locator("#action-reply .invalid-feedback")
    error.wait_for()
    assert error.inner_text() == "Not a valid email address: not-an-address."
    assert page.input_value("#action-reply textarea[name=body]") == "The technician comes at 3 pm."
    screenshot("tickets-email-reply-cc-error")
    assert ticket.articles.count() == 0

    page.fill("#action-reply input[name=cc]", "Boss@Customer.example.com")
    page.click("[data-action=reply]")
    cc = page.locator("[data-article] [data-header=cc]")
    cc.wait_for()
    assert cc.inner_text() == "boss@customer.example.com"
    assert page.locator("[data-article] [data-header=to]").inner_text() == customer
    assert page.locator("[data-article] [data-header=from]").inner_text() == (
        "support@helpdesk.example.com"
    )
    page.wait_for_timeout(300)  # htmx settles the swapped form: its error border fades out
    screenshot("tickets-email-reply-cc-sent")
