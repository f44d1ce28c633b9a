"""Real-world shaped messages (tests/mail/): each gives its expected outcome, never a crash."""

from email.message import EmailMessage
from pathlib import Path

import pytest

from mailgate.models import InboundMessage
from tests import factories
from tickets.models import Article
from tickets.services import ticket_reply

from .helpers import ingest

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent.parent / "mail"
Outcome = InboundMessage.Outcome


def corpus(name: str, **replace: str) -> bytes:
    raw = (CORPUS / name).read_bytes()
    for old, new in replace.items():
        raw = raw.replace(old.encode(), new.encode())
    return raw


@pytest.fixture
def support(db):
    return factories.QueueFactory(name="Support", email_address="support@helpdesk.example")


def test_outlook_html_keeps_the_text_part_and_a_sanitised_html_view(support):
    message = ingest(corpus("outlook_html.eml"))
    assert message.outcome == Outcome.NEW_TICKET
    assert message.sender == "juergen.mueller@acme.example"
    article = message.article
    assert "„Das Profil konnte nicht geladen werden“" in article.body
    assert "Jürgen Müller" in article.body
    assert "Grüße" in article.body_html
    assert "<script" not in article.body_html
    assert "MsoNormal {" not in article.body_html  # the style sheet is gone


def test_apple_mail_inline_image_and_attachment_are_kept(support):
    message = ingest(corpus("apple_mail_inline_image.eml"))
    article = message.article
    assert "the till shows this:" in article.body  # HTML-only: text made from the HTML
    names = sorted(a.filename for a in article.attachments.all())
    assert names == ["Screenshot 2026-12-03 at 09.58.41.png", "receipt.pdf"]
    pdf = article.attachments.get(filename="receipt.pdf")
    assert pdf.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "subject", "text"),
    [
        ("japanese_iso2022jp.eml", "プリンターが印刷できません", "３階のプリンターが昨日から"),
        ("japanese_shift_jis.eml", "ログインできません", "①ログインできない"),
        ("japanese_euc_jp.eml", "メールが届きません", "社外からのメールが届きません。"),
    ],
)
def test_japanese_charsets(support, name, subject, text):
    message = ingest(corpus(name))
    assert message.outcome == Outcome.NEW_TICKET
    assert message.ticket.title == subject
    assert text in message.article.body


def test_an_rfc2231_japanese_file_name(support):
    message = ingest(corpus("japanese_shift_jis.eml"))
    assert [a.filename for a in message.article.attachments.all()] == ["エラー画面.txt"]


def test_the_sender_name_in_iso2022jp_is_read(support):
    message = ingest(corpus("japanese_iso2022jp.eml"))
    assert message.sender == "yamada@example.co.jp"


def test_raw_utf8_headers_are_read(support):
    message = ingest(corpus("raw_utf8_headers.eml"))
    assert message.ticket.title == "Überweisung fehlgeschlagen – bitte prüfen"


def _replied(support, agent):
    contact = factories.CustomerUserFactory(email="peter.brandt@acme.example")
    ticket = factories.TicketFactory(customer_user=contact, queue=support)
    return ticket, ticket_reply(ticket=ticket, by=agent, body="Please try again.")


def test_a_bounce_of_our_reply_lands_on_its_ticket_silently(support, agent):
    ticket, reply = _replied(support, agent)
    message = ingest(
        corpus("bounce_dsn.eml", NUMBER=ticket.number, **{"REPLY-MESSAGE-ID": reply.message_id})
    )
    assert message.outcome == Outcome.BOUNCE
    assert message.ticket == ticket
    assert message.article.sender_type == Article.SenderType.SYSTEM
    assert "User unknown" in message.article.body


def test_an_out_of_office_is_kept_on_the_ticket_without_an_answer(support, agent):
    support.auto_reply = True
    support.save()
    ticket, reply = _replied(support, agent)
    message = ingest(
        corpus("out_of_office.eml", NUMBER=ticket.number, **{"REPLY-MESSAGE-ID": reply.message_id})
    )
    assert message.outcome == Outcome.LOOP
    assert message.ticket == ticket
    assert not message.article.is_public


def test_a_message_without_message_id_is_taken_once(support):
    first = ingest(corpus("no_message_id.eml"))
    again = ingest(corpus("no_message_id.eml"))
    assert first.outcome == Outcome.NEW_TICKET
    assert first.message_id.startswith("sha256:")
    assert again.pk == first.pk


def test_malformed_mime_is_taken_as_well_as_it_can_be(support):
    message = ingest(corpus("malformed_mime.eml"))
    assert message.outcome == Outcome.NEW_TICKET
    assert "Café machine is broken" in message.article.body
    assert message.ticket.title


def test_a_20_mb_attachment_is_dropped_and_said(support, settings):
    settings.HELPDESK_MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
    email = EmailMessage()
    email["From"] = "big@acme.example"
    email["To"] = "support@helpdesk.example"
    email["Subject"] = "The log file"
    email["Message-ID"] = "<big-1@acme.example>"
    email.set_content("The whole log is attached.")
    email.add_attachment(
        b"x" * (20 * 1024 * 1024), maintype="application", subtype="zip", filename="log.zip"
    )
    message = ingest(email.as_bytes())
    assert message.outcome == Outcome.NEW_TICKET
    assert not message.article.attachments.exists()
    note = message.ticket.articles.get(sender_type=Article.SenderType.SYSTEM)
    assert "log.zip (20.0 MB, over the 10 MB limit)" in note.body


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.eml")))
def test_every_corpus_message_is_taken_without_error(support, name):
    message = ingest(corpus(name))
    assert message.outcome != Outcome.ERROR, message.detail
