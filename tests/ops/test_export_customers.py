"""`manage.py export_customers`: the import format, formula-safe cells, bounded queries."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command

from customers.csv_io import COLUMNS
from customers.models import Customer, CustomerUser
from tests import factories

pytestmark = pytest.mark.django_db


def _export(*args) -> list[dict]:
    out = StringIO()
    call_command("export_customers", *args, stdout=out)
    return list(csv.DictReader(StringIO(out.getvalue())))


def test_export_writes_customers_then_users_in_the_import_format():
    acme = factories.CustomerFactory(customer_id="ACME", name="Acme", city="Berlin")
    beta = factories.CustomerFactory(customer_id="BETA", name="Beta")
    factories.CustomerUserFactory(
        login="jdoe",
        first_name="Jane",
        last_name="Doe",
        email="jane@acme.example",
        customer=acme,
        customers=[beta],
        is_power_user=True,
    )
    out = StringIO()

    call_command("export_customers", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    rows = list(csv.DictReader(StringIO(out.getvalue())))
    assert [(r["record_type"], r["customer_id"], r["login"]) for r in rows] == [
        ("customer", "ACME", ""),
        ("customer", "BETA", ""),
        ("user", "ACME", "jdoe"),
    ]
    assert rows[0]["city"] == "Berlin"
    assert rows[0]["is_active"] == "yes"
    assert (rows[2]["email"], rows[2]["is_power_user"], rows[2]["extra_customers"]) == (
        "jane@acme.example",
        "yes",
        "BETA",
    )


@pytest.mark.parametrize("value", ["=1+1", "+49 30 123", "-2", "@SUM(A1)", '=HYPERLINK("x")'])
def test_export_neutralises_formula_cells(value):
    factories.CustomerFactory(customer_id="ACME", name=value, comment="plain")

    (row,) = _export()

    assert row["name"] == "'" + value
    assert row["comment"] == "plain"


def test_export_then_import_round_trips(tmp_path):
    factories.CustomerUserFactory(
        login="jdoe", phone="+49 30 1", customer=factories.CustomerFactory(name="=cmd")
    )
    path = tmp_path / "export.csv"
    call_command("export_customers", "--output", str(path), stderr=StringIO())
    before = (
        list(Customer.objects.values()),
        list(CustomerUser.objects.values_list("login", "phone")),
    )
    out = StringIO()

    call_command("import_customers", str(path), stdout=out, stderr=StringIO(), verbosity=0)

    assert out.getvalue() == (
        "Imported: 0 customer(s) created, 0 updated, 1 unchanged; "
        "0 customer user(s) created, 0 updated, 1 unchanged.\n"
    )
    after = (
        list(Customer.objects.values()),
        list(CustomerUser.objects.values_list("login", "phone")),
    )
    assert [{k: v for k, v in c.items() if k != "updated_at"} for c in after[0]] == [
        {k: v for k, v in c.items() if k != "updated_at"} for c in before[0]
    ]
    assert after[1] == before[1] == [("jdoe", "+49 30 1")]


def test_export_active_only_leaves_out_inactive_records():
    factories.CustomerFactory(customer_id="GONE", is_active=False)
    factories.CustomerUserFactory(login="gone", is_active=False)

    rows = _export("--active-only")

    assert [r["customer_id"] for r in rows if r["record_type"] == "customer"] == sorted(
        Customer.objects.filter(is_active=True).values_list("customer_id", flat=True)
    )
    assert [r["login"] for r in rows if r["record_type"] == "user"] == []


@pytest.mark.parametrize("size", [2, 20])
def test_export_query_count_does_not_grow_with_data(size, django_assert_num_queries):
    for _ in range(size):
        factories.CustomerUserFactory()

    with django_assert_num_queries(3):  # customers, users, their memberships
        call_command("export_customers", stdout=StringIO())
