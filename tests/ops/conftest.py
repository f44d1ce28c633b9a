"""Fixtures of the operations tests: tasks run in-process, a mail backend that fails."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from helpdesk.celery import app as celery_app


class FlakyBackend(LocmemBackend):
    """Refuses the first `failures` messages with an SMTP error, then delivers like locmem."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).failures > 0:
            type(self).failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    """`flaky_mail(n)`: the next n sends fail; returns the backend class to read `attempts`."""
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.attempts = 0

    def fail(times: int):
        FlakyBackend.failures = times
        return FlakyBackend

    yield fail
    FlakyBackend.failures = 0


@pytest.fixture
def worker_retries():
    """Eager tasks go through Celery's retry path (as on a worker) instead of raising at once."""
    celery_app.conf.task_eager_propagates = False
