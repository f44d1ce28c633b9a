"""Helpers of the outbox tests (and of the email tests of each app)."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from helpdesk.models import OutboxMessage
from helpdesk.outbox import deliver_outbox, outbox_sweep


def deliver_again() -> None:
    """Every row's delivery task once more (a duplicate delivery of the task), then the
    sweeper as if a day had passed: a row that was sent, skipped or failed sends nothing."""
    for pk in OutboxMessage.objects.order_by("pk").values_list("pk", flat=True):
        deliver_outbox.apply(args=(pk,))
    outbox_sweep(now=timezone.now() + timedelta(days=1), seconds=None)


def recipients(outbox) -> list[str]:
    """Every address of every message, sorted: who got how many emails."""
    return sorted(address for message in outbox for address in message.to)


def later(minutes: float):
    return timezone.now() + timedelta(minutes=minutes)


def deliver_pending():
    """The sweeper, now: delivers every pending row that is due (like `send_outbox`), and
    what its deliveries owe after their commit (a skipped owner's team)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return outbox_sweep(grace=timedelta(0), seconds=None)


def committed(function, *args, **kwargs):
    """Call `function`, then run what it left for after commit (the outbox's deliveries), as a
    real commit would; the test's own transaction never commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return function(*args, **kwargs)
