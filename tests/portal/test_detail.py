"""`portal:detail` and its actions: the public log, update, reopen, close, attachments."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import OutboxMessage
from tests import factories
from tests.outbox.helpers import deliver_again
from tickets.models import Article, Ticket
from tickets.services import article_add, ticket_create

from .conftest import upload

pytestmark = pytest.mark.django_db


def make_request(customer_user, *, owner=None, queue=None, state=None, attachments=()):
    ticket = ticket_create(
        title="VPN drops",
        body="The VPN drops every hour.",
        by=customer_user.user,
        customer_user=customer_user,
        channel="portal",
        attachments=attachments,
        queue=queue,
        owner=owner,
    )
    if state:
        Ticket.objects.filter(pk=ticket.pk).update(state=factories.state(state))
        ticket.refresh_from_db()
    return ticket


def articles_shown(response) -> list[int]:
    import re

    return [int(x) for x in re.findall(r'data-article="(\d+)"', response.content.decode())]


# --- the public log ---------------------------------------------------------------------------


def test_detail_shows_public_articles_oldest_first_never_notes(portal_client, portal_user, agent):
    ticket = make_request(portal_user)
    first = ticket.articles.get()
    note = article_add(
        ticket=ticket, by=agent, body="SECRET internal", sender_type="agent", is_public=False
    )
    reply = article_add(
        ticket=ticket, by=agent, body="Please restart.", sender_type="agent", is_public=True
    )

    response = portal_client.get(reverse("portal:detail", args=[ticket.number]))

    assert response.status_code == 200
    assert articles_shown(response) == [first.pk, reply.pk]
    assert note.pk not in articles_shown(response)
    assert "SECRET internal" not in response.content.decode()
    assert "Please restart." in response.content.decode()


def test_detail_lists_attachments_of_public_articles(portal_client, portal_user):
    ticket = make_request(portal_user, attachments=[upload("log.txt")])
    attachment = ticket.articles.get().attachments.get()

    response = portal_client.get(reverse("portal:detail", args=[ticket.number]))

    assert f'data-attachment="{attachment.pk}"'.encode() in response.content


@pytest.mark.parametrize("size", [2, 40])
def test_detail_query_count_is_constant(
    portal_client, portal_user, agent, size, django_assert_num_queries
):
    ticket = make_request(portal_user, attachments=[upload()])
    for i in range(size):
        article_add(
            ticket=ticket,
            by=agent,
            body=f"reply {i}",
            sender_type="agent",
            is_public=True,
            attachments=[upload(f"r{i}.txt")],
        )

    # session, user, customer user, ticket, articles, attachments
    with django_assert_num_queries(6):
        response = portal_client.get(reverse("portal:detail", args=[ticket.number]))

    assert response.status_code == 200


def test_detail_of_someone_else_is_404(portal_client, portal_user):
    colleague = factories.PortalUserFactory(customer=portal_user.customer)
    stranger = factories.PortalUserFactory()
    for other in (colleague, stranger):
        ticket = make_request(other)

        response = portal_client.get(reverse("portal:detail", args=[ticket.number]))

        assert response.status_code == 404


def test_detail_power_user_sees_colleagues_request_with_caller(client, portal_user):
    power = factories.PortalUserFactory(customer=portal_user.customer, is_power_user=True)
    ticket = make_request(portal_user)
    stranger_ticket = make_request(factories.PortalUserFactory())
    client.force_login(power.user)

    assert client.get(reverse("portal:detail", args=[ticket.number])).status_code == 200
    assert client.get(reverse("portal:detail", args=[stranger_ticket.number])).status_code == 404


def test_detail_anonymous_goes_to_login(client, portal_user):
    ticket = make_request(portal_user)

    response = client.get(reverse("portal:detail", args=[ticket.number]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


# --- update ----------------------------------------------------------------------------------


def test_update_adds_public_customer_article_and_resets_update_escalation(
    portal_client, portal_user
):
    ticket = make_request(portal_user)
    long_ago = timezone.now() - datetime.timedelta(days=3)
    Ticket.objects.filter(pk=ticket.pk).update(customer_contact_at=long_ago)

    response = portal_client.post(
        reverse("portal:update", args=[ticket.number]),
        {"comment": "Still broken.", "attachments": [upload("shot.png")]},
    )

    ticket.refresh_from_db()
    article = ticket.articles.last()
    assert response.status_code == 302
    assert response.url == reverse("portal:detail", args=[ticket.number])
    assert (article.body, article.sender_type, article.is_public, article.channel) == (
        "Still broken.",
        "customer",
        True,
        "portal",
    )
    assert [a.filename for a in article.attachments.all()] == ["shot.png"]
    assert ticket.customer_contact_at > long_ago
    assert ticket.update_due == ticket.customer_contact_at + datetime.timedelta(
        minutes=ticket.queue.update_minutes
    )


def test_update_emails_the_owner(
    portal_client, portal_user, agent, queue, django_capture_on_commit_callbacks
):
    ticket = make_request(portal_user, owner=agent, queue=queue)

    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(reverse("portal:update", args=[ticket.number]), {"comment": "More info"})

    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert mail.outbox[0].subject == f"[#{ticket.number}] Customer update: VPN drops"
    assert "More info" in mail.outbox[0].body
    assert "More info" in mail.outbox[0].alternatives[0][0]


def test_update_of_unowned_request_emails_the_queue_team(
    portal_client, portal_user, queue, django_capture_on_commit_callbacks
):
    members = [factories.AgentFactory(), factories.AgentFactory()]
    factories.TeamFactory(members=members, queues=[queue])
    factories.TeamFactory(members=[factories.AgentFactory()])  # another queue's team
    ticket = make_request(portal_user, queue=queue)

    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(reverse("portal:update", args=[ticket.number]), {"comment": "Hello?"})

    # one email each, addressed to that member only
    assert sorted(m.to for m in mail.outbox) == sorted([a.email] for a in members)


def test_notify_agents_twice_sends_once(
    portal_client, portal_user, agent, queue, django_capture_on_commit_callbacks
):
    ticket = make_request(portal_user, owner=agent, queue=queue)
    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(reverse("portal:update", args=[ticket.number]), {"comment": "Again"})
    article = ticket.articles.last()

    deliver_again()

    assert len(mail.outbox) == 1
    notice = OutboxMessage.objects.get(kind="portal_customer_update")
    assert (notice.key, notice.recipient, notice.status) == (
        f"article:{article.pk}",
        agent.email,
        "sent",
    )


def test_update_empty_comment_is_refused(portal_client, portal_user):
    ticket = make_request(portal_user)

    response = portal_client.post(reverse("portal:update", args=[ticket.number]), {"comment": " "})

    assert response.status_code == 200
    assert "Please write what you want to add." in response.content.decode()
    assert ticket.articles.count() == 1
    assert mail.outbox == []


def test_update_too_many_files_is_refused(portal_client, portal_user, settings):
    settings.HELPDESK_MAX_ATTACHMENTS = 1
    ticket = make_request(portal_user)

    response = portal_client.post(
        reverse("portal:update", args=[ticket.number]),
        {"comment": "files", "attachments": [upload("a.txt"), upload("b.txt")]},
    )

    assert response.status_code == 200
    assert "At most 1 files can be attached." in response.content.decode()
    assert ticket.articles.count() == 1


def test_update_form_hidden_for_resolved_and_closed(portal_client, portal_user):
    for state in ("resolved", "closed"):
        ticket = make_request(portal_user, state=state)

        response = portal_client.get(reverse("portal:detail", args=[ticket.number]))

        assert b'data-actions="update"' not in response.content
        assert reverse("portal:update", args=[ticket.number]).encode() not in response.content


# --- reopen and close ------------------------------------------------------------------------


def test_resolved_request_offers_close_and_reopen(portal_client, portal_user):
    ticket = make_request(portal_user, state="resolved")

    response = portal_client.get(reverse("portal:detail", args=[ticket.number]))

    content = response.content.decode()
    assert reverse("portal:close", args=[ticket.number]) in content
    assert reverse("portal:reopen", args=[ticket.number]) in content


def test_reopen_needs_a_comment(portal_client, portal_user):
    ticket = make_request(portal_user, state="resolved")

    response = portal_client.post(reverse("portal:reopen", args=[ticket.number]), {"comment": ""})

    ticket.refresh_from_db()
    assert response.status_code == 200
    assert "Please tell us why you reopen the request." in response.content.decode()
    assert ticket.state.name == "resolved"
    assert ticket.articles.count() == 1


def test_reopen_adds_the_comment_and_opens_the_request(
    portal_client, portal_user, agent, queue, django_capture_on_commit_callbacks
):
    ticket = make_request(portal_user, owner=agent, queue=queue, state="resolved")

    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            reverse("portal:reopen", args=[ticket.number]), {"comment": "It came back."}
        )

    ticket.refresh_from_db()
    article = ticket.articles.last()
    assert response.status_code == 302
    assert ticket.state.name == "open"
    assert (article.body, article.is_public, article.sender_type) == (
        "It came back.",
        True,
        "customer",
    )
    assert mail.outbox[0].subject == f"[#{ticket.number}] Reopened by the customer: VPN drops"
    assert mail.outbox[0].to == [agent.email]


def test_close_stores_satisfaction_and_closes(portal_client, portal_user):
    ticket = make_request(portal_user, state="resolved")

    response = portal_client.post(
        reverse("portal:close", args=[ticket.number]),
        {"satisfaction": "2", "comment": "Quick and friendly."},
    )

    ticket.refresh_from_db()
    assert response.status_code == 302
    assert ticket.state.name == "closed"
    assert (ticket.satisfaction, ticket.satisfaction_comment) == (2, "Quick and friendly.")
    assert ticket.closed_at is not None
    assert ticket.events.filter(action="satisfaction").get().to_value == "2"


@pytest.mark.parametrize("value", ["", "0", "5", "abc"])
def test_close_needs_a_valid_satisfaction(portal_client, portal_user, value):
    ticket = make_request(portal_user, state="resolved")

    response = portal_client.post(
        reverse("portal:close", args=[ticket.number]), {"satisfaction": value, "comment": "x"}
    )

    ticket.refresh_from_db()
    assert response.status_code == 200
    assert ticket.state.name == "resolved"
    assert ticket.satisfaction is None


def test_closed_request_is_final(portal_client, portal_user):
    ticket = make_request(portal_user, state="closed")
    before = ticket.articles.count()

    page = portal_client.get(reverse("portal:detail", args=[ticket.number]))
    posts = [
        portal_client.post(reverse("portal:reopen", args=[ticket.number]), {"comment": "again"}),
        portal_client.post(reverse("portal:update", args=[ticket.number]), {"comment": "more"}),
        portal_client.post(
            reverse("portal:close", args=[ticket.number]), {"satisfaction": "1", "comment": "x"}
        ),
    ]

    ticket.refresh_from_db()
    assert b"data-final" in page.content
    for url_name in ("portal:reopen", "portal:update", "portal:close"):
        assert reverse(url_name, args=[ticket.number]).encode() not in page.content
    assert [p.status_code for p in posts] == [409, 409, 409]
    assert ticket.state.name == "closed"
    assert ticket.articles.count() == before
    assert ticket.satisfaction is None
    assert mail.outbox == []


def test_open_request_cannot_be_closed_or_reopened(portal_client, portal_user):
    ticket = make_request(portal_user, state="open")

    closing = portal_client.post(
        reverse("portal:close", args=[ticket.number]), {"satisfaction": "1"}
    )
    reopening = portal_client.post(reverse("portal:reopen", args=[ticket.number]), {"comment": "x"})

    ticket.refresh_from_db()
    assert (closing.status_code, reopening.status_code) == (409, 409)
    assert ticket.state.name == "open"


@pytest.mark.parametrize("url_name", ["portal:update", "portal:reopen", "portal:close"])
def test_actions_on_someone_elses_request_are_404(portal_client, portal_user, url_name):
    colleague = factories.PortalUserFactory(customer=portal_user.customer)
    ticket = make_request(colleague, state="resolved")

    response = portal_client.post(
        reverse(url_name, args=[ticket.number]), {"comment": "x", "satisfaction": "1"}
    )

    ticket.refresh_from_db()
    assert response.status_code == 404
    assert ticket.state.name == "resolved"
    assert ticket.articles.count() == 1


def test_actions_need_post(portal_client, portal_user):
    ticket = make_request(portal_user, state="resolved")

    response = portal_client.get(reverse("portal:close", args=[ticket.number]))

    assert response.status_code == 405


# --- attachments ------------------------------------------------------------------------------


def test_attachment_download_is_safe(portal_client, portal_user):
    ticket = make_request(portal_user, attachments=[upload('evil"name\r\n.html', b"<b>x</b>")])
    attachment = ticket.articles.get().attachments.get()

    response = portal_client.get(reverse("portal:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"<b>x</b>"
    assert response["Content-Disposition"] == 'attachment; filename="evil_name__.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"


def test_attachment_of_someone_else_is_404(client, portal_user):
    ticket = make_request(portal_user, attachments=[upload()])
    attachment = ticket.articles.get().attachments.get()
    colleague = factories.PortalUserFactory(customer=portal_user.customer)
    power = factories.PortalUserFactory(customer=portal_user.customer, is_power_user=True)
    stranger_power = factories.PortalUserFactory(is_power_user=True)
    url = reverse("portal:attachment", args=[attachment.pk])

    statuses = {}
    for who in (colleague, power, stranger_power):
        client.force_login(who.user)
        response = client.get(url)
        statuses[who.login] = response.status_code
        if response.streaming:
            b"".join(response.streaming_content)  # closes the file the way a server would

    assert statuses == {colleague.login: 404, power.login: 200, stranger_power.login: 404}


def test_attachment_of_internal_note_is_404(portal_client, portal_user, agent):
    ticket = make_request(portal_user)
    note = article_add(
        ticket=ticket,
        by=agent,
        body="internal",
        sender_type=Article.SenderType.AGENT,
        is_public=False,
        attachments=[upload("internal.txt")],
    )

    response = portal_client.get(reverse("portal:attachment", args=[note.attachments.get().pk]))

    assert response.status_code == 404


def test_attachment_anonymous_goes_to_login(client, portal_user):
    ticket = make_request(portal_user, attachments=[upload()])
    attachment = ticket.articles.get().attachments.get()

    response = client.get(reverse("portal:attachment", args=[attachment.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


def test_phone_ticket_first_message_is_the_callers_not_the_agents(client, portal_user, agent):
    agent.first_name, agent.last_name = "Petra", "Zimmermann"
    agent.save()
    ticket = ticket_create(
        title="Printer", body="It jams.", by=agent, customer_user=portal_user, channel="phone"
    )
    power = factories.PortalUserFactory(customer=portal_user.customer, is_power_user=True)

    client.force_login(portal_user.user)
    own = client.get(reverse("portal:detail", args=[ticket.number])).content.decode()
    client.force_login(power.user)
    colleague = client.get(reverse("portal:detail", args=[ticket.number])).content.decode()

    assert re.findall(r'<span class="fw-semibold">([^<]*)</span>', own) == ["You"]
    assert re.findall(r'<span class="fw-semibold">([^<]*)</span>', colleague) == [
        portal_user.full_name
    ]
    assert "Petra" not in own


def test_resolved_request_page_has_unique_ids(portal_client, portal_user):
    ticket = make_request(portal_user, state="resolved")

    body = portal_client.get(reverse("portal:detail", args=[ticket.number])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', body)

    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert ('id="id_comment"' in body, 'id="id_reopen_comment"' in body) == (True, True)
