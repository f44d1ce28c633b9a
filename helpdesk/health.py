"""`/healthz`: is this instance able to serve? For load balancers and container health checks."""

import json
import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from .outbox import outbox_health

logger = logging.getLogger(__name__)
BROKER_TIMEOUT = 2  # seconds; a health check must answer quickly


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "not configured (tasks run in-process)"
    options = {"socket_timeout": BROKER_TIMEOUT, "socket_connect_timeout": BROKER_TIMEOUT}
    with Connection(url, connect_timeout=BROKER_TIMEOUT, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """200 when the database (and the broker, when one is configured) answers; 503 otherwise.

    The body names each check; errors show only their type, never connection details.
    `outbox` is detail for monitoring, not part of the status: emails that failed for good
    (see the admin) and emails due for more than a few minutes but not delivered (no worker,
    no sweeper, or the mail server down).
    """
    checks, healthy = {}, True
    for name, check in (("database", _database), ("broker", _broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure, whatever its type, means unhealthy
            logger.warning("Health check %s failed: %r", name, exc)
            checks[name] = f"error: {type(exc).__name__}"
            healthy = False
    try:
        checks["outbox"] = outbox_health()
    except Exception as exc:  # detail only: the database check above sets the status
        checks["outbox"] = f"error: {type(exc).__name__}"
    body = {"status": "ok" if healthy else "error", **checks}
    return HttpResponse(
        json.dumps(body) + "\n", status=200 if healthy else 503, content_type="text/plain"
    )
