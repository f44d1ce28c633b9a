import pytest
from django.urls import reverse

from tests import factories
from tickets.models import Priority, Queue, TicketState


@pytest.mark.django_db
def test_state_catalogue_matches_design():
    assert list(TicketState.objects.order_by("name").values_list("name", "state_type")) == sorted(
        [
            ("new", "new"),
            ("open", "open"),
            ("in_progress", "open"),
            ("awaiting_approval", "open"),
            ("planning", "open"),
            ("awaiting_implementation", "open"),
            ("implementing", "open"),
            ("declined", "open"),
            ("awaiting_backout", "open"),
            ("pending", "pending_reminder"),
            ("pending_auto_close", "pending_auto_close"),
            ("resolved", "resolved"),
            ("closed", "closed"),
            ("completed", "closed"),
            ("cancelled", "closed"),
            ("closed_with_backout", "closed"),
            ("merged", "merged"),
            ("removed", "removed"),
        ]
    )
    assert list(Priority.objects.values_list("level", flat=True)) == [1, 2, 3, 4]
    assert Queue.objects.filter(name="Service Desk").exists()


@pytest.mark.django_db
def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


@pytest.mark.django_db
def test_agent_home_renders(agent_client):
    factories.TicketFactory()
    response = agent_client.get(reverse("dashboards:home"))
    assert response.status_code == 200
