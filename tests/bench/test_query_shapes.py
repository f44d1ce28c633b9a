"""The query shapes the read rules rely on: same results, index-friendly SQL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from tests import factories
from tickets.models import Ticket, TicketState
from tickets.querysets import TicketRules


def where(queryset) -> str:
    sql, _ = queryset.query.sql_with_params()
    return sql.split(" WHERE ", 1)[1]


@pytest.mark.django_db
def test_through_counts_like_the_rule_on_tickets():
    cu = factories.CustomerUserFactory()
    for name in ("new", "open", "pending", "closed", "resolved", "merged"):
        factories.TicketFactory(customer_user=cu, state=name)
    factories.TicketFactory(state="open")  # another customer's ticket

    counted = Customer.objects.annotate(
        open=Count("tickets", filter=TicketRules.through("tickets__", TicketRules.incomplete())),
        closed=Count("tickets", filter=TicketRules.through("tickets__", TicketRules.completed())),
    ).get(pk=cu.customer_id)

    assert (counted.open, counted.closed) == (3, 2)


@pytest.mark.django_db
def test_through_counts_only_queues_the_agent_sees():
    agent = factories.AgentFactory()
    seen, hidden = factories.QueueFactory(), factories.QueueFactory()
    factories.TeamFactory(members=[agent], queues=[seen])
    cu = factories.CustomerUserFactory()
    factories.TicketFactory(customer_user=cu, queue=seen, state="open")
    factories.TicketFactory(customer_user=cu, queue=hidden, state="open")
    rule = TicketRules.visible_to_agent(agent) & TicketRules.incomplete()

    counted = Customer.objects.annotate(
        n=Count("tickets", filter=TicketRules.through("tickets__", rule))
    ).get(pk=cu.customer_id)

    assert counted.n == 1


def test_through_rejects_expression_rules():
    # Every rule of `TicketRules` is a keyword rule now; an expression cannot move.
    expression = Q(Exists(Ticket.objects.filter(pk=OuterRef("pk"))))

    with pytest.raises(ValueError, match="keyword rules"):
        TicketRules.through("tickets__", Q(customer_user_id=1) | expression)


@pytest.mark.django_db
def test_state_rules_select_by_state_type_of_the_catalogue_as_it_is_now():
    """Django's own `state__state_type__in`: a state added to the catalogue or given another
    type counts at once."""
    custom = TicketState.objects.create(name="waiting_vendor", label="Waiting", state_type="open")
    ticket = factories.TicketFactory(state="waiting_vendor")
    new, closed = factories.TicketFactory(state="new"), factories.TicketFactory(state="closed")

    assert set(Ticket.objects.incomplete()) == {ticket, new}
    assert list(Ticket.objects.open()) == [ticket]

    TicketState.objects.filter(pk=custom.pk).update(state_type="closed")

    assert set(Ticket.objects.completed()) == {ticket, closed}
    assert list(Ticket.objects.open()) == []


@pytest.mark.django_db
def test_accessible_for_finds_member_customers_tickets():
    cu = factories.CustomerUserFactory()
    other = factories.CustomerFactory()
    cu.customers.add(other)
    own = factories.TicketFactory(customer_user=cu)
    member = factories.TicketFactory(customer_user=None, customer=other)
    factories.TicketFactory()  # a stranger's

    found = set(Ticket.objects.accessible_for(cu).values_list("pk", flat=True))

    assert found == {own.pk, member.pk}
    # The customers are literal ids, not a sub-query that PostgreSQL would test row by row
    # under the `OR` (a scan of every ticket).
    assert "SELECT" not in where(Ticket.objects.accessible_for(cu))


@pytest.mark.django_db
def test_accessible_parts_are_disjoint_and_together_are_accessible_for():
    primary, member, foreign = (factories.CustomerFactory() for _ in range(3))
    cu = factories.CustomerUserFactory(customer=primary, customers=[member])
    colleague = factories.CustomerUserFactory(customer=primary)
    tickets = [
        factories.TicketFactory(customer_user=cu, customer=primary),
        factories.TicketFactory(customer_user=colleague, customer=primary),
        factories.TicketFactory(customer_user=colleague, customer=member),
        factories.TicketFactory(customer_user=cu, customer=foreign),
        factories.TicketFactory(customer_user=cu, customer=None),
    ]
    factories.TicketFactory(customer=foreign)  # a stranger's
    factories.TicketFactory(customer=None)  # nobody's

    of_customers, own_elsewhere = (
        set(Ticket.objects.filter(part).values_list("pk", flat=True))
        for part in TicketRules.accessible_parts(cu)
    )

    assert of_customers == {t.pk for t in tickets[:3]}
    assert own_elsewhere == {t.pk for t in tickets[3:]}
    assert of_customers | own_elsewhere == set(
        Ticket.objects.accessible_for(cu).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_user_without_customers_sees_its_own_tickets_only():
    """No membership rows at all (not even the primary's): nothing of any customer."""
    cu = factories.CustomerUserFactory()
    cu.customers.clear()
    own = factories.TicketFactory(customer_user=cu, customer=cu.customer)
    factories.TicketFactory(customer=cu.customer)

    parts = [set(Ticket.objects.filter(p)) for p in TicketRules.accessible_parts(cu)]

    assert list(Ticket.objects.accessible_for(cu)) == [own]
    assert parts == [set(), {own}]


@pytest.mark.django_db
@pytest.mark.postgres
def test_power_user_counts_read_only_indexes():
    """The portal's counts of a power user read only `(customer…, state_id, …)` indexes: no
    sequential scan of the tickets even when the planner would like one."""
    from portal.selectors import portal_count

    power = factories.PortalUserFactory(is_power_user=True)
    for state in ("new", "open", "closed"):
        factories.TicketFactory(customer_user=power, state=state)

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plans = []
        for rule in (lambda qs: qs.incomplete(), lambda qs: qs.closed()):
            parts = [
                rule(Ticket.objects.filter(p)).order_by().values("customer_id")
                for p in TicketRules.accessible_parts(power)
            ]
            sql, params = parts[0].union(parts[1], all=True).query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))

    assert portal_count(power, lambda qs: qs.incomplete()) == 2
    for plan in plans:
        assert "Seq Scan on tickets_ticket" not in plan
        assert plan.count("Index Only Scan") == 2, plan


@pytest.mark.django_db
def test_portal_closed_lists_newest_closed_first_and_missing_dates_last(client):
    power = factories.PortalUserFactory(is_power_user=True)
    now = timezone.now()
    older = factories.TicketFactory(
        customer_user=power, state="closed", closed_at=now - timedelta(days=2)
    )
    newer = factories.TicketFactory(
        customer_user=power, state="closed", closed_at=now - timedelta(days=1)
    )
    undated = factories.TicketFactory(customer_user=power, state="closed", closed_at=None)
    client.force_login(power.user)

    response = client.get(reverse("portal:closed"))

    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f'data-ticket="{t.number}"') for t in (newer, older, undated)]
    assert positions == sorted(positions)
