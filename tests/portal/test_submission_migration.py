"""The wizard's one-time keys (portal.RequestSubmission, removed) move to helpdesk.Submission:
a key used before the upgrade still finds its ticket after it, and back again."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from helpdesk.models import Submission
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("portal", "0001_submissions_and_notices")]
AFTER = [("portal", "0002_submissions_to_helpdesk")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_wizard_keys_are_moved_to_submissions_and_back():
    portal_user = factories.PortalUserFactory()
    ticket = factories.TicketFactory(customer_user=portal_user)
    contact_without_login = factories.CustomerUserFactory()
    key, orphan_key = uuid.uuid4(), uuid.uuid4()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = _migrate(BEFORE)
        RequestSubmission = old_apps.get_model("portal", "RequestSubmission")
        RequestSubmission.objects.create(
            customer_user_id=portal_user.pk, key=key, ticket_id=ticket.pk
        )
        RequestSubmission.objects.create(customer_user_id=contact_without_login.pk, key=orphan_key)

        _migrate(AFTER)

        assert list(Submission.objects.values_list("user_id", "action", "key", "result")) == [
            (portal_user.user_id, "portal:new", key, ticket.number)
        ]

        old_apps = _migrate(BEFORE)

        RequestSubmission = old_apps.get_model("portal", "RequestSubmission")
        assert list(
            RequestSubmission.objects.values_list("customer_user_id", "key", "ticket_id")
        ) == [(portal_user.pk, key, ticket.pk)]
    finally:
        # Later migrations of other apps (the outbox's) must be applied again, or their
        # tables would be missing for the next tests.
        _migrate(latest)
