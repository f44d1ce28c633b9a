"""The outbox in the admin: read-only, filtered by status and kind, searched by recipient and
key; failed emails can be sent again by whoever may change them."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from helpdesk.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:helpdesk_outboxmessage_changelist"


@pytest.fixture
def rows():
    return {
        "failed": factories.OutboxMessageFactory(
            kind="escalation", recipient="ada@example.com", status="failed", attempts=12
        ),
        "sent": factories.OutboxMessageFactory(
            kind="reminder", recipient="bob@example.com", key="ticket:7:pending:x", status="sent"
        ),
        "pending": factories.OutboxMessageFactory(kind="reminder", recipient="cy@example.com"),
    }


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _listed(client, **params) -> list[int]:
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return sorted(row.pk for row in response.context["cl"].result_list)


def test_admin_filters_by_status_and_kind_and_searches_recipient_and_key(admin_client, rows):
    assert _listed(admin_client, status="failed") == [rows["failed"].pk]
    assert _listed(admin_client, kind="reminder") == sorted([rows["sent"].pk, rows["pending"].pk])
    assert _listed(admin_client, q="ada@") == [rows["failed"].pk]
    assert _listed(admin_client, q="ticket:7:") == [rows["sent"].pk]


def test_admin_outbox_is_read_only(admin_client, rows):
    row = rows["pending"]
    change = reverse("admin:helpdesk_outboxmessage_change", args=[row.pk])

    page = admin_client.get(change)
    forged = admin_client.post(change, {"recipient": "mallory@example.com", "status": "sent"})
    deleted = admin_client.post(
        reverse("admin:helpdesk_outboxmessage_delete", args=[row.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert (forged.status_code, deleted.status_code) == (403, 403)
    assert admin_client.get(reverse("admin:helpdesk_outboxmessage_add")).status_code == 403
    row.refresh_from_db()
    assert (row.recipient, row.status) == ("cy@example.com", "pending")


def test_admin_retry_gives_failed_rows_a_new_round_and_leaves_others(admin_client, rows):
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "retry", "_selected_action": [r.pk for r in rows.values()]},
        follow=True,
    )

    assert "1 failed email(s) will be sent again." in response.content.decode()
    after = {r.pk: (r.status, r.attempts) for r in OutboxMessage.objects.all()}
    assert after == {
        rows["failed"].pk: ("pending", 0),
        rows["sent"].pk: ("sent", 0),
        rows["pending"].pk: ("pending", 0),
    }


def test_admin_retry_needs_the_change_permission(client, rows):
    viewer = factories.AgentFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    client.force_login(viewer)

    page = client.get(reverse(CHANGELIST))
    client.post(reverse(CHANGELIST), {"action": "retry", "_selected_action": [rows["failed"].pk]})

    assert page.status_code == 200
    assert 'value="retry"' not in page.content.decode()
    assert OutboxMessage.objects.get(pk=rows["failed"].pk).status == "failed"


def test_outbox_admin_is_not_for_agents_without_permission(client, rows):
    client.force_login(factories.AgentFactory())

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 403
