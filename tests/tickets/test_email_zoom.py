"""Email articles on the zoom: the header block, the quoted tail behind "Show quoted text",
the sandboxed HTML view (`tickets:article-html`) and the raw message for superusers."""

import html
import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

REPLY = "Thanks, the printer works again.\n\nJane"
QUOTE = "On Mon, 1 Dec 2026 at 10:00, Support <support@example.com> wrote:\n> Please restart it."
QUOTED_BODIES = [
    REPLY + "\n\n" + QUOTE,
    REPLY + "\n\nOn Mon, 1 Dec 2026 at 10:00, Support\n<support@example.com> wrote:\n> Restart.",
    REPLY + "\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nRestart it.",
    REPLY + "\n\n________________________________\nFrom: Support\nSent: Monday\nTo: Jane\n\nOld",
    REPLY
    + "\n\n差出人: サポート\n送信日時: 2026年12月1日\n件名: プリンター\n\n再起動してください。",
    REPLY + "\n> Please restart it.\n>\n\n> Thanks.\n",
]
UNQUOTED_BODIES = [
    REPLY,
    "> Please restart it.\nDone, it works.",  # an answer below the quote: nothing hidden
    "On Monday we spoke.\nThen he wrote:\nnothing quoted follows",
    "> only a quote, nothing new",  # hiding it would leave nothing to read
    "From: my desk, hello\nThe printer works.",
]


def email_article(ticket, **fields):
    defaults = {
        "channel": "email",
        "sender_type": "customer",
        "is_public": True,
        "email_from": "jane@customer.example.com",
        "email_to": "support@example.com",
        "email_cc": "boss@customer.example.com,it@customer.example.com",
        "body": REPLY,
    }
    return factories.ArticleFactory(ticket=ticket, **{**defaults, **fields})


def zoom(client, ticket) -> str:
    response = client.get(reverse("tickets:detail", args=[ticket.number]))
    assert response.status_code == 200
    return response.content.decode()


def article_html(article):
    return reverse("tickets:article-html", args=[article.ticket.number, article.pk])


@pytest.fixture
def ticket(queue):
    return factories.TicketFactory(queue=queue)


# --- headers and the quoted tail --------------------------------------------------------------


def test_email_article_shows_from_to_cc_and_date(agent_client, ticket):
    email_article(ticket)

    body = zoom(agent_client, ticket)

    block = re.search(r"<dl [^>]*data-email-headers>(.*?)</dl>", body, re.S).group(1)
    assert '<dd data-header="from">jane@customer.example.com</dd>' in block
    assert '<dd data-header="to">support@example.com</dd>' in block
    assert '<dd data-header="cc">boss@customer.example.com, it@customer.example.com</dd>' in block
    assert re.search(r'<dd data-header="date"><time datetime="[^"]+"', block)


def test_email_article_without_cc_has_no_cc_line_and_other_articles_no_block(agent_client, ticket):
    email_article(ticket, email_cc="")
    factories.ArticleFactory(ticket=ticket, channel="phone", body="> Called\nback")

    body = zoom(agent_client, ticket)

    assert body.count("data-email-headers") == 1
    assert 'data-header="cc"' not in body
    assert "&gt; Called\nback" in body  # not an email: shown as it is


@pytest.mark.parametrize("text", QUOTED_BODIES)
def test_quoted_tail_is_behind_show_quoted_text(agent_client, ticket, text):
    email_article(ticket, body=text)

    body = zoom(agent_client, ticket)

    assert f'<div class="article-body">{REPLY}</div>' in body
    quoted = re.search(
        r'<details class="quoted mt-2" data-quoted><summary[^>]*>Show quoted text</summary>'
        r'<div class="article-body quoted-body mt-1">(.*?)</div></details>',
        body,
        re.S,
    )
    assert quoted is not None
    assert html.unescape(quoted.group(1)) == text[len(REPLY) :].strip("\n")


@pytest.mark.parametrize("text", UNQUOTED_BODIES)
def test_body_without_a_quoted_tail_has_no_toggle(agent_client, ticket, text):
    email_article(ticket, body=text)

    body = zoom(agent_client, ticket)

    assert "data-quoted" not in body
    assert "Show quoted text" not in body
    assert f'<div class="article-body">{html.escape(text, quote=False)}</div>' in body


def test_quoted_text_is_escaped(agent_client, ticket):
    email_article(ticket, body="New <b>text</b>\n> old <script>alert(1)</script>")

    body = zoom(agent_client, ticket)

    assert "<script>alert(1)" not in body
    assert "&gt; old &lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- the HTML view ---------------------------------------------------------------------------


def test_html_view_is_offered_only_when_the_email_has_html(agent_client, ticket):
    with_html = email_article(ticket, body_html="<p>Hello</p>")
    without = email_article(ticket)

    body = zoom(agent_client, ticket)

    assert body.count("data-html-view") == 1
    assert (
        f'<iframe class="article-html mt-1" sandbox loading="lazy" src="{article_html(with_html)}"'
        in body
    )
    assert article_html(without) not in body


def test_html_view_is_cleaned_again_and_sandboxed(agent_client, ticket):
    dirty = (
        '<p onclick="x()">Hello <b>Jane</b></p><script>alert(1)</script>'
        '<img src="http://t.example/p.gif">'
    )
    article = email_article(ticket, body_html=dirty)

    response = agent_client.get(article_html(article))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<p>Hello <b>Jane</b></p>" in content
    for bad in ("<script", "alert(1)", "onclick", "t.example"):
        assert bad not in content
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_zoom_may_frame_its_own_pages(agent_client, ticket):
    response = agent_client.get(reverse("tickets:detail", args=[ticket.number]))

    assert "frame-src 'self'" in response["Content-Security-Policy"]


def test_html_view_is_refused_to_an_agent_who_may_not_see_the_ticket(client, ticket):
    article = email_article(ticket, body_html="<p>Secret</p>")
    outsider = factories.AgentFactory()
    factories.TeamFactory(members=[outsider], queues=[factories.QueueFactory()])
    client.force_login(outsider)

    response = client.get(article_html(article))

    assert response.status_code == 404
    assert b"Secret" not in response.content


def test_html_view_of_another_ticket_s_article_or_without_html_is_404(agent_client, ticket, queue):
    other = email_article(factories.TicketFactory(queue=queue), body_html="<p>Other</p>")
    plain = email_article(ticket)

    wrong_ticket = reverse("tickets:article-html", args=[ticket.number, other.pk])
    assert agent_client.get(wrong_ticket).status_code == 404
    assert agent_client.get(article_html(plain)).status_code == 404


def test_html_view_sends_anonymous_visitors_to_login(client, ticket):
    article = email_article(ticket, body_html="<p>Secret</p>")

    response = client.get(article_html(article))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the raw message -------------------------------------------------------------------------


@pytest.fixture
def received(ticket):
    article = email_article(ticket)
    return factories.InboundMessageFactory(article=article, ticket=ticket)


def test_superuser_sees_the_raw_message_link_and_gets_the_bytes(client, ticket, received):
    client.force_login(factories.AdminFactory())

    body = zoom(client, ticket)
    response = client.get(reverse("mailgate:raw", args=[received.pk]))

    assert f'href="{reverse("mailgate:raw", args=[received.pk])}"' in body
    assert "Raw message" in body
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="message-{received.pk}.eml"'
    assert b"".join(response.streaming_content) == (
        b"From: jane@customer.example.com\r\n\r\nHello\r\n"
    )


def test_agent_sees_no_raw_message_link_and_is_refused_the_bytes(agent_client, ticket, received):
    body = zoom(agent_client, ticket)
    response = agent_client.get(reverse("mailgate:raw", args=[received.pk]))

    assert "Raw message" not in body
    assert reverse("mailgate:raw", args=[received.pk]) not in body
    assert response.status_code == 403


def test_no_raw_message_link_without_a_kept_raw_file(client, ticket):
    factories.InboundMessageFactory(article=email_article(ticket), ticket=ticket, raw="")
    client.force_login(factories.AdminFactory())

    assert "Raw message" not in zoom(client, ticket)


@pytest.mark.parametrize("size", [2, 20])
def test_email_articles_cost_no_query_each(client, ticket, size, django_assert_num_queries):
    admin = factories.AdminFactory()
    for _ in range(size):
        factories.InboundMessageFactory(article=email_article(ticket), ticket=ticket)
        email_article(ticket, body_html="<p>x</p>")
    client.force_login(admin)

    # session, user, ticket, contract-free time total, articles, attachments, events,
    # state choices (the same for any number of articles)
    with django_assert_num_queries(8):
        body = zoom(client, ticket)

    assert body.count("Raw message") == size
