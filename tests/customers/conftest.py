import pytest


@pytest.fixture(autouse=True)
def _celery_eager():
    """Run tasks in-process even when CELERY_BROKER_URL is set (CI's PostgreSQL + Redis run):
    the Celery app reads its settings once, so the Django `settings` fixture cannot do this.
    The worker test turns it off for itself."""
    from helpdesk.celery import app

    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = old


@pytest.fixture(scope="session")
def _live_server_media_url():
    """Work-around (as in tests/tickets and tests/portal): with `MEDIA_URL = None` Django's
    live server media handler parses None into bytes and every request fails; give it a path
    while it starts."""
    from django.conf import settings

    original = settings.MEDIA_URL
    settings.MEDIA_URL = "/_no_media/"
    yield lambda: setattr(settings, "MEDIA_URL", original)
    settings.MEDIA_URL = original


@pytest.fixture(scope="session")
def live_server(_live_server_media_url, live_server):
    _live_server_media_url()  # the handler has read it; the rest of the session sees None
    return live_server
