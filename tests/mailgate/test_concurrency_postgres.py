"""The same message taken by several intakes at the same moment (two fetchers, a fetch and a
pipe): one `InboundMessage`, one ticket, one article. Real threads with their own connections
against PostgreSQL; the unique Message-ID makes the later ones wait and then find the first."""

import threading

import pytest
from django.db import connection

from mailgate.models import InboundMessage
from mailgate.services import message_ingest
from tests import factories
from tickets.models import Article, Ticket

from .helpers import raw_mail

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _ingest_concurrently(raws):
    barrier = threading.Barrier(len(raws))
    results, errors = [], []

    def take(raw):
        try:
            barrier.wait(timeout=10)
            results.append(message_ingest(raw).pk)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(raw,)) for raw in raws]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.parametrize("takers", [2, 4])
def test_one_message_taken_at_once_by_several_intakes_gives_one_article(takers):
    factories.CustomerUserFactory(email="kim@customer.example")
    raw = raw_mail(sender="kim@customer.example", message_id="<race@customer.example>")

    results, errors = _ingest_concurrently([raw] * takers)

    assert errors == []
    assert len(set(results)) == 1
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert Article.objects.count() == 1


def test_a_follow_up_and_its_duplicate_at_once_add_one_article():
    contact = factories.CustomerUserFactory(email="kim@customer.example")
    ticket = factories.TicketFactory(customer_user=contact)
    raw = raw_mail(sender=contact.email, subject=f"Re: [Ticket#{ticket.number}] printer")

    results, errors = _ingest_concurrently([raw, raw])

    assert errors == []
    assert len(set(results)) == 1
    assert ticket.articles.count() == 1
