"""`/healthz`: database and broker checks for load balancers and container health checks."""

import json
import os

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_without_broker_is_ok_for_anonymous(client, settings):
    settings.CELERY_BROKER_URL = None

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert "no-cache" in response["Cache-Control"]
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "broker": "not configured (tasks run in-process)",
        "outbox": {"failed": 0, "overdue": 0},
    }


def test_healthz_unreachable_broker_is_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "error",
        "database": "ok",
        "broker": "error: OperationalError",
        "outbox": {"failed": 0, "overdue": 0},
    }


def test_healthz_database_down_is_503(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = None

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("helpdesk.health.connection.cursor", broken_cursor)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "error: OperationalError"


def test_healthz_refuses_post(client):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.redis
def test_healthz_with_reachable_redis_is_ok(client, settings):
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert json.loads(response.content)["broker"] == "ok"
