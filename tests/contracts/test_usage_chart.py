"""A contract's hours used over time: the numbers, the contract tab and the CIC widget."""

import json
import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import ContractHourUsage
from contracts.services import contracts_recount
from contracts.usage import attach_usage
from tests import factories
from tests.customers.helpers import HTMX, customer_admin
from tests.dashboards.helpers import HX, widget_url
from tickets.models import TimeEntry

pytestmark = pytest.mark.django_db

CHART_DATA = re.compile(
    r'<figure[^>]*data-contract-chart="(\d+)"[^>]*>\s*'
    r'<script type="application/json">(.*?)</script>',
    re.S,
)


def book(contract, minutes: int, at: datetime):
    entry = factories.TimeEntryFactory(
        ticket=factories.TicketFactory(contract=contract), minutes=minutes
    )
    TimeEntry.objects.filter(pk=entry.pk).update(created_at=at)
    # A time entry moved in time outside the services: recounted, as the admin does.
    contracts_recount([contract.pk])


def charts(html: str) -> dict[int, dict]:
    return {int(pk): json.loads(data) for pk, data in CHART_DATA.findall(html)}


def test_usage_is_cumulative_per_day_from_the_start_to_today():
    contract = factories.ContractFactory(
        start_date=date(2026, 3, 1),
        has_hour_restriction=True,
        contract_hours=10,
        hours_notification_threshold=8,
    )
    book(contract, 90, datetime(2026, 3, 3, 9, tzinfo=UTC))
    book(contract, 30, datetime(2026, 3, 3, 15, tzinfo=UTC))
    book(contract, 45, datetime(2026, 3, 10, 9, tzinfo=UTC))
    other = factories.ContractFactory(start_date=date(2026, 3, 1))
    book(other, 600, datetime(2026, 3, 2, 9, tzinfo=UTC))

    attach_usage([contract, other], today=date(2026, 3, 20))

    assert contract.usage.points == [
        (date(2026, 3, 1), Decimal("0.00")),
        (date(2026, 3, 3), Decimal("2.00")),
        (date(2026, 3, 10), Decimal("2.75")),
        (date(2026, 3, 20), Decimal("2.75")),
    ]
    assert (contract.usage.limit, contract.usage.threshold) == (10, 8)
    assert other.usage.points[1:] == [
        (date(2026, 3, 2), Decimal("10.00")),
        (date(2026, 3, 20), Decimal("10.00")),
    ]
    assert other.usage.limit is None


def test_usage_days_are_the_viewers_days_and_stop_at_the_contract_end():
    contract = factories.ContractFactory(start_date=date(2026, 3, 1), end_date=date(2026, 3, 5))
    book(contract, 60, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))  # 3 March in Tokyo

    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        attach_usage([contract], today=date(2026, 6, 1))

    assert contract.usage.days == [date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 5)]


def test_contracts_tab_shows_the_chart_data_and_a_table(client):
    client.force_login(customer_admin())
    customer = factories.CustomerFactory(customer_id="ACME")
    start = timezone.localdate() - timedelta(days=10)
    contract = factories.ContractFactory(
        customer=customer,
        start_date=start,
        has_hour_restriction=True,
        contract_hours=10,
        hours_notification_threshold=8,
    )
    book(contract, 150, timezone.now() - timedelta(days=2))

    html = client.get(reverse("customers:contracts", args=["ACME"]), headers=HTMX).content.decode()

    data = charts(html)[contract.pk]
    assert data["days"][0] == start.isoformat()
    assert data["hours"] == [0.0, 2.5, 2.5]
    assert (data["limit"], data["threshold"]) == (10.0, 8.0)
    table = html[html.index("data-chart-table") :]
    assert "limit 10.00 h" in table
    assert "warning at 8.00 h" in table
    assert "<td>2.50</td>" in table


def test_cic_customer_information_shows_the_chart(agent_client):
    customer = factories.CustomerFactory(customer_id="ACME")
    contract = factories.ContractFactory(customer=customer)
    book(contract, 60, timezone.now())

    response = agent_client.get(widget_url("cic", "ACME", "customer-information"), headers=HX)

    assert charts(response.content.decode())[contract.pk]["hours"][-1] == 1.0


def _contracts_with_time(customer, size: int):
    for n in range(size):
        contract = factories.ContractFactory(
            customer=customer, has_hour_restriction=True, contract_hours=50
        )
        for day in range(size):
            book(contract, 30 + n, timezone.now() - timedelta(days=day))


@pytest.mark.parametrize("size", [1, 6])
def test_contracts_tab_queries_do_not_grow_with_contracts_or_days(
    client, django_assert_num_queries, size
):
    client.force_login(customer_admin())
    _contracts_with_time(factories.CustomerFactory(customer_id="ACME"), size)

    # session, user, customer, permission check, count, rows, hours by contract and day
    with django_assert_num_queries(7):
        response = client.get(reverse("customers:contracts", args=["ACME"]), headers=HTMX)

    assert len(charts(response.content.decode())) == size


@pytest.mark.parametrize("size", [1, 6])
def test_cic_widget_queries_do_not_grow_with_contracts_or_days(
    agent_client, django_assert_num_queries, size
):
    _contracts_with_time(factories.CustomerFactory(customer_id="ACME"), size)

    # session, user, preferences, customer, contracts, hours by contract and day
    with django_assert_num_queries(6):
        response = agent_client.get(widget_url("cic", "ACME", "customer-information"), headers=HX)

    assert len(charts(response.content.decode())) == size


def hourly_minutes(contract) -> int:
    return sum(
        ContractHourUsage.objects.filter(contract=contract).values_list("minutes", flat=True)
    )


def test_time_booked_in_the_zoom_shows_in_the_chart_at_once(agent, agent_client, queue):
    customer = factories.CustomerFactory(customer_id="ACME")
    contract = factories.ContractFactory(customer=customer)
    ticket = factories.TicketFactory(queue=queue, customer=customer, contract=contract)

    response = agent_client.post(
        reverse("tickets:add-time", args=[ticket.number]), {"minutes": 90}, headers=HX
    )
    widget = agent_client.get(widget_url("cic", "ACME", "customer-information"), headers=HX)

    assert response.status_code == 200
    assert charts(widget.content.decode())[contract.pk]["hours"][-1] == 1.5
    assert hourly_minutes(contract) == 90


def test_moving_a_ticket_to_another_contract_moves_its_hours(agent, agent_client, queue):
    customer = factories.CustomerFactory(customer_id="ACME")
    first = factories.ContractFactory(customer=customer)
    second = factories.ContractFactory(customer=customer)
    ticket = factories.TicketFactory(queue=queue, customer=customer, contract=first)
    agent_client.post(
        reverse("tickets:add-time", args=[ticket.number]), {"minutes": 60}, headers=HX
    )

    response = agent_client.post(
        reverse("tickets:update", args=[ticket.number]), {"contract": second.pk}, headers=HX
    )
    data = charts(
        agent_client.get(
            widget_url("cic", "ACME", "customer-information"), headers=HX
        ).content.decode()
    )

    assert response.status_code == 200
    assert (hourly_minutes(first), hourly_minutes(second)) == (0, 60)
    assert (data[first.pk]["hours"][-1], data[second.pk]["hours"][-1]) == (0.0, 1.0)


def test_recount_rebuilds_the_hourly_usage_from_the_time_entries():
    contract = factories.ContractFactory()
    book(contract, 45, datetime(2026, 3, 3, 9, 10, tzinfo=UTC))
    book(contract, 15, datetime(2026, 3, 3, 9, 50, tzinfo=UTC))
    ContractHourUsage.objects.filter(contract=contract).update(minutes=999)

    contracts_recount([contract.pk])

    rows = list(ContractHourUsage.objects.filter(contract=contract).values_list("hour", "minutes"))
    assert rows == [(datetime(2026, 3, 3, 9, tzinfo=UTC), 60)]


def test_the_chart_spans_the_last_90_days_starting_from_the_hours_used_before():
    contract = factories.ContractFactory(start_date=date(2025, 1, 1))
    book(contract, 120, datetime(2025, 6, 1, 9, tzinfo=UTC))
    book(contract, 60, datetime(2026, 3, 10, 9, tzinfo=UTC))
    contract.refresh_from_db()  # its stored total, as every page reads it

    attach_usage([contract], today=date(2026, 3, 20))

    assert contract.usage.points == [
        (date(2025, 12, 20), Decimal("2.00")),
        (date(2026, 3, 10), Decimal("3.00")),
        (date(2026, 3, 20), Decimal("3.00")),
    ]
