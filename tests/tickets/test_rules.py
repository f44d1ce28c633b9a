"""DESIGN §5: every ticket selection rule, with tickets on both sides of each boundary."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from tests import factories
from tickets.models import Article, Ticket, TicketState
from tickets.querysets import TicketRules
from tickets.services import article_add, ticket_create, ticket_set_state

pytestmark = pytest.mark.django_db

OPEN_STATES = {
    "new",
    "pending",
    "awaiting_approval",
    "planning",
    "in_progress",
    "open",
    "awaiting_implementation",
    "declined",
    "awaiting_backout",
    "implementing",
    "pending_auto_close",
}
CLOSED_STATES = {"resolved", "closed", "completed", "cancelled", "closed_with_backout"}


def numbers(qs):
    return [t.number for t in qs]


def test_new_rule_takes_state_type_new_only():
    new = factories.TicketFactory(state="new")
    factories.TicketFactory(state="open")
    factories.TicketFactory(state="in_progress")

    assert numbers(Ticket.objects.new()) == [new.number]


def test_open_rule_takes_state_type_open_only_not_new_or_pending():
    now = timezone.now()
    open_ = factories.TicketFactory(state="open")
    progress = factories.TicketFactory(state="in_progress")
    factories.TicketFactory(state="new")
    factories.TicketFactory(state="pending", pending_until=now + timedelta(days=1))
    factories.TicketFactory(state="resolved")

    assert set(numbers(Ticket.objects.open())) == {open_.number, progress.number}


def test_categories_match_the_default_catalogue_exactly():
    for state in TicketState.objects.all():
        factories.TicketFactory(state=state)

    incomplete = set(Ticket.objects.incomplete().values_list("state__name", flat=True))
    completed = set(Ticket.objects.completed().values_list("state__name", flat=True))

    assert incomplete == OPEN_STATES
    assert completed == CLOSED_STATES


def test_merged_and_removed_count_in_neither_open_nor_closed_only_in_all():
    for name in ("open", "resolved", "merged", "removed"):
        factories.TicketFactory(state=name)

    counts = Ticket.objects.counts(
        open=TicketRules.incomplete(), closed=TicketRules.completed(), all=Q()
    )

    assert counts == {"open": 1, "closed": 1, "all": 4}


def test_category_filter_open_and_closed():
    open_ = factories.TicketFactory(state="awaiting_approval")
    closed = factories.TicketFactory(state="cancelled")
    factories.TicketFactory(state="merged")

    assert numbers(Ticket.objects.category("open")) == [open_.number]
    assert numbers(Ticket.objects.category("closed")) == [closed.number]


def test_reminder_window_boundary_one_minute_inside_and_outside(settings):
    settings.HELPDESK_REMINDER_WINDOW = 60
    now = timezone.now()
    inside = factories.TicketFactory(state="pending", pending_until=now + timedelta(minutes=59))
    reached = factories.TicketFactory(state="pending", pending_until=now - timedelta(hours=2))
    factories.TicketFactory(state="pending", pending_until=now + timedelta(minutes=61))
    factories.TicketFactory(state="pending_auto_close", pending_until=now - timedelta(hours=1))
    factories.TicketFactory(state="open", pending_until=now - timedelta(hours=1))

    assert numbers(Ticket.objects.reminder(now)) == [reached.number, inside.number]


def test_reminder_window_follows_the_setting(settings):
    settings.HELPDESK_REMINDER_WINDOW = 10
    now = timezone.now()
    factories.TicketFactory(state="pending", pending_until=now + timedelta(minutes=11))
    inside = factories.TicketFactory(state="pending", pending_until=now + timedelta(minutes=9))

    assert numbers(Ticket.objects.reminder(now)) == [inside.number]


def test_escalated_one_second_past_is_in_one_minute_ahead_is_out():
    now = timezone.now()
    past = factories.TicketFactory(state="open", escalation_due=now - timedelta(seconds=1))
    older = factories.TicketFactory(state="open", escalation_due=now - timedelta(hours=3))
    factories.TicketFactory(state="open", escalation_due=now + timedelta(minutes=1))
    factories.TicketFactory(state="open", escalation_due=None)

    assert numbers(Ticket.objects.escalated(now)) == [older.number, past.number]


def test_locked_by_needs_both_the_lock_and_the_owner():
    me, other = factories.AgentFactory(), factories.AgentFactory()
    mine = factories.TicketFactory(is_locked=True, owner=me)
    factories.TicketFactory(is_locked=True, owner=other)
    factories.TicketFactory(is_locked=False, owner=me)

    assert numbers(Ticket.objects.locked_by(me)) == [mine.number]


def test_in_my_queues_takes_the_chosen_queues_only():
    me = factories.AgentFactory()
    chosen, other = factories.QueueFactory(), factories.QueueFactory()
    factories.AgentPreferencesFactory(user=me, my_queues=[chosen])
    ticket = factories.TicketFactory(queue=chosen)
    factories.TicketFactory(queue=other)

    assert numbers(Ticket.objects.in_my_queues(me)) == [ticket.number]


def test_in_my_queues_with_none_chosen_is_empty():
    me = factories.AgentFactory()
    factories.AgentPreferencesFactory(user=me)
    factories.TicketFactory()

    assert numbers(Ticket.objects.in_my_queues(me)) == []


def test_visible_to_agent_is_the_union_of_its_teams_queues():
    me = factories.AgentFactory()
    q1, q2, q3 = factories.QueueFactory(), factories.QueueFactory(), factories.QueueFactory()
    factories.TeamFactory(members=[me], queues=[q1])
    factories.TeamFactory(members=[me], queues=[q2])
    factories.TeamFactory(members=[factories.AgentFactory()], queues=[q3])
    t1 = factories.TicketFactory(queue=q1)
    t2 = factories.TicketFactory(queue=q2)
    factories.TicketFactory(queue=q3)

    assert set(numbers(Ticket.objects.visible_to_agent(me))) == {t1.number, t2.number}


def test_visible_to_agent_superuser_sees_all_non_staff_sees_none():
    factories.TicketFactory()
    factories.TicketFactory()

    assert Ticket.objects.visible_to_agent(factories.AdminFactory()).count() == 2
    assert Ticket.objects.visible_to_agent(factories.UserFactory()).count() == 0


def test_of_customer_takes_that_customer_only():
    mine = factories.TicketFactory()
    factories.TicketFactory()

    assert numbers(Ticket.objects.of_customer(mine.customer)) == [mine.number]


def test_assigned_to_and_accessible_for_a_customer_user():
    acme, other = factories.CustomerFactory(), factories.CustomerFactory()
    second = factories.CustomerFactory()
    user = factories.CustomerUserFactory(customer=acme, customers=[second])
    colleague = factories.CustomerUserFactory(customer=acme)
    own = factories.TicketFactory(customer_user=user)
    colleagues = factories.TicketFactory(customer_user=colleague)
    of_second = factories.TicketFactory(
        customer_user=factories.CustomerUserFactory(customer=second)
    )
    factories.TicketFactory(customer_user=factories.CustomerUserFactory(customer=other))

    assert numbers(Ticket.objects.assigned_to(user)) == [own.number]
    assert set(numbers(Ticket.objects.accessible_for(user))) == {
        own.number,
        colleagues.number,
        of_second.number,
    }


def test_portal_normal_user_sees_own_power_user_sees_all_of_its_customers():
    acme = factories.CustomerFactory()
    normal = factories.CustomerUserFactory(customer=acme)
    power = factories.CustomerUserFactory(customer=acme, is_power_user=True)
    normal_ticket = factories.TicketFactory(customer_user=normal)
    power_ticket = factories.TicketFactory(customer_user=power)
    factories.TicketFactory()  # another customer

    assert numbers(Ticket.objects.visible_to_portal_user(normal)) == [normal_ticket.number]
    assert set(numbers(Ticket.objects.visible_to_portal_user(power))) == {
        normal_ticket.number,
        power_ticket.number,
    }


def test_portal_inactive_user_sees_nothing():
    user = factories.CustomerUserFactory(is_active=False)
    factories.TicketFactory(customer_user=user)

    assert numbers(Ticket.objects.visible_to_portal_user(user)) == []


def test_counts_runs_one_query(django_assert_num_queries):
    factories.TicketFactory(state="new")
    factories.TicketFactory(state="open")

    with django_assert_num_queries(1):
        counts = Ticket.objects.counts(new=TicketRules.new(), open=TicketRules.open(), all=Q())

    assert counts == {"new": 1, "open": 1, "all": 2}


# --- escalation (DESIGN §5) -----------------------------------------------------------------


@pytest.fixture
def sla():
    return factories.SLAFactory(first_response_minutes=60, update_minutes=240, solution_minutes=480)


def _create(queue, now, **kwargs):
    return ticket_create(
        title="Printer",
        body="It is broken",
        queue=queue,
        customer_user=factories.CustomerUserFactory(),
        now=now,
        **kwargs,
    )


def test_escalation_due_times_from_the_sla(queue, sla):
    now = timezone.now()
    ticket = _create(queue, now, sla=sla)

    assert ticket.first_response_due == now + timedelta(minutes=60)
    assert ticket.update_due == now + timedelta(minutes=240)
    assert ticket.solution_due == now + timedelta(minutes=480)
    assert ticket.escalation_due == now + timedelta(minutes=60)


def test_escalation_due_times_from_the_queue_without_sla(queue):
    now = timezone.now()
    ticket = _create(queue, now)

    assert ticket.first_response_due == now + timedelta(minutes=queue.first_response_minutes)
    assert ticket.escalation_due == now + timedelta(minutes=queue.first_response_minutes)


def test_first_public_agent_article_clears_first_response_internal_note_does_not(queue, sla):
    now = timezone.now()
    agent = factories.AgentFactory()
    ticket = _create(queue, now, sla=sla)

    article_add(ticket=ticket, by=agent, body="n", sender_type="agent", is_public=False, now=now)
    ticket.refresh_from_db()
    assert ticket.first_response_due == now + timedelta(minutes=60)

    later = now + timedelta(minutes=5)
    article_add(ticket=ticket, by=agent, body="r", sender_type="agent", is_public=True, now=later)
    ticket.refresh_from_db()
    assert ticket.first_response_due is None
    assert ticket.escalation_due == now + timedelta(minutes=240)


def test_customer_contact_moves_the_update_due(queue, sla):
    now = timezone.now()
    ticket = _create(queue, now, sla=sla)
    later = now + timedelta(minutes=30)

    article_add(
        ticket=ticket,
        by=None,
        body="any news?",
        sender_type=Article.SenderType.CUSTOMER,
        is_public=True,
        now=later,
    )

    ticket.refresh_from_db()
    assert ticket.update_due == later + timedelta(minutes=240)


def test_pending_clears_the_update_due_and_leaving_pending_restores_it(queue, sla):
    now = timezone.now()
    agent = factories.AgentFactory()
    ticket = _create(queue, now, sla=sla)
    pending = TicketState.objects.get(name="pending")

    ticket_set_state(
        ticket=ticket, state=pending, by=agent, pending_until=now + timedelta(days=1), now=now
    )
    ticket.refresh_from_db()
    assert ticket.update_due is None
    assert ticket.first_response_due == now + timedelta(minutes=60)

    ticket_set_state(ticket=ticket, state=TicketState.objects.get(name="open"), by=agent, now=now)
    ticket.refresh_from_db()
    assert ticket.update_due == now + timedelta(minutes=240)
    assert ticket.pending_until is None


@pytest.mark.parametrize("name", ["resolved", "closed", "merged", "removed"])
def test_inactive_states_clear_every_due_time(queue, sla, name):
    now = timezone.now()
    ticket = _create(queue, now, sla=sla)

    ticket_set_state(
        ticket=ticket, state=TicketState.objects.get(name=name), by=factories.AgentFactory()
    )

    ticket.refresh_from_db()
    assert (
        ticket.first_response_due,
        ticket.update_due,
        ticket.solution_due,
        ticket.escalation_due,
    ) == (None, None, None, None)
