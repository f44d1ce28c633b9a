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
