"""`manage.py contract_report`: hours used, limit and remaining per contract, one query."""

import csv
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from customers.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db


def _contract(customer_id, description, hours=None, minutes=(), **kwargs):
    customer = Customer.objects.filter(customer_id=customer_id).first()
    contract = factories.ContractFactory(
        customer=customer or factories.CustomerFactory(customer_id=customer_id),
        description=description,
        has_hour_restriction=hours is not None,
        contract_hours=hours,
        **kwargs,
    )
    ticket = factories.TicketFactory(contract=contract)
    agent = factories.AgentFactory()
    for m in minutes:
        factories.TimeEntryFactory(ticket=ticket, agent=agent, minutes=m)
    return contract


def _report(*args) -> str:
    out = StringIO()
    call_command("contract_report", *args, stdout=out)
    return out.getvalue()


def test_contract_report_csv_has_used_limit_and_remaining():
    start = timezone.localdate() - timedelta(days=30)
    _contract("ACME", "Support", hours=Decimal("10.00"), minutes=(90, 30), start_date=start)
    _contract("BETA", "=unlimited", minutes=(45,), start_date=start)

    rows = list(csv.reader(StringIO(_report("--format", "csv"))))

    assert rows == [
        [
            "customer_id",
            "description",
            "start_date",
            "end_date",
            "active",
            "hours_limit",
            "hours_used",
            "hours_remaining",
            "percent_used",
        ],
        ["ACME", "Support", start.isoformat(), "", "yes", "10.00", "2.00", "8.00", "20"],
        ["BETA", "'=unlimited", start.isoformat(), "", "yes", "", "0.75", "", ""],
    ]


def test_contract_report_table_aligns_columns():
    start = timezone.localdate() - timedelta(days=30)
    _contract("ACME", "Support", hours=Decimal("10.00"), minutes=(660,), start_date=start)

    lines = _report().splitlines()

    assert lines[0].split() == [
        "Customer", "Contract", "Start", "End", "Active", "Limit", "(h)", "Used", "(h)",
        "Remaining", "(h)", "Used", "%",
    ]  # fmt: skip
    assert set(lines[1]) == {"-", " "}
    assert lines[2].split() == [
        "ACME",
        "Support",
        start.isoformat(),
        "yes",
        "10.00",
        "11.00",
        "-1.00",
        "100",
    ]


def test_contract_report_active_and_customer_filters():
    today = timezone.localdate()
    _contract("ACME", "Running", start_date=today - timedelta(days=5))
    _contract(
        "ACME", "Ended", start_date=today - timedelta(days=50), end_date=today - timedelta(days=1)
    )
    _contract("BETA", "Other", start_date=today - timedelta(days=5))

    rows = list(
        csv.DictReader(StringIO(_report("--format", "csv", "--active", "--customer", "acme")))
    )

    assert [r["description"] for r in rows] == ["Running"]


def test_contract_report_without_contracts_says_so():
    assert _report() == "No contracts.\n"


@pytest.mark.parametrize("size", [1, 8])
def test_contract_report_runs_one_query(size, django_assert_num_queries):
    for n in range(size):
        _contract(f"C{n}", f"Contract {n}", hours=Decimal("5.00"), minutes=(30, 15))

    with django_assert_num_queries(1):
        _report("--format", "csv")
