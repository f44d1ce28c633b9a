"""The query shapes the benchmark fixes rely on: same results, index-friendly SQL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from tests import factories
from tickets.models import Ticket
from tickets.querysets import TicketRules


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
    cu = factories.CustomerUserFactory.build(pk=1)

    with pytest.raises(ValueError, match="keyword rules"):
        TicketRules.through("tickets__", TicketRules.accessible_for(cu))


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
    sql = str(Ticket.objects.accessible_for(cu).query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql
    else:
        assert "IN (SELECT" in sql


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
