"""`manage.py import_customers`: validate every row first, import all or nothing, re-run updates."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from customers.models import Customer, CustomerUser
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = [
    "record_type",
    "customer_id",
    "name",
    "city",
    "phone",
    "login",
    "first_name",
    "last_name",
    "email",
    "is_power_user",
    "extra_customers",
]


def _customer(cid, name="Acme", city="Berlin", phone=""):
    return ["customer", cid, name, city, phone, "", "", "", "", "", ""]


def _user(cid, login, email=None, power="no", extra=""):
    return [
        "user",
        cid,
        "",
        "",
        "",
        login,
        "Jane",
        "Doe",
        email or f"{login}@example.com",
        power,
        extra,
    ]


def _write(tmp_path, rows, header=HEADER, name="customers.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _import(path, *args, verbosity=0):
    out, err = StringIO(), StringIO()
    call_command("import_customers", str(path), *args, stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


def _thousand_rows():
    """200 customers and 800 users (4 per customer): 1,000 data rows, lines 2 … 1001."""
    rows = []
    for c in range(200):
        rows.append(_customer(f"C{c:03d}", name=f"Customer {c}"))
        rows += [_user(f"C{c:03d}", f"u{c:03d}-{u}") for u in range(4)]
    return rows


def test_import_good_thousand_row_file_imports_every_row(tmp_path):
    path = _write(tmp_path, _thousand_rows())

    out, _ = _import(path)

    assert out == (
        "Imported: 200 customer(s) created, 0 updated, 0 unchanged; "
        "800 customer user(s) created, 0 updated, 0 unchanged.\n"
    )
    assert Customer.objects.count() == 200
    assert CustomerUser.objects.count() == 800
    user = CustomerUser.objects.get(login="u123-2")
    assert (user.customer.customer_id, user.email) == ("C123", "u123-2@example.com")
    assert list(user.customers.values_list("customer_id", flat=True)) == ["C123"]


def test_import_one_bad_row_in_thousand_imports_nothing_and_names_the_line(tmp_path):
    rows = _thousand_rows()
    rows[536][8] = "not-an-email"  # a user row; data row 537 is line 538 (1 is the header)
    path = _write(tmp_path, rows)
    err = StringIO()

    with pytest.raises(CommandError, match=r"^1 bad row\(s\) in .*; nothing was imported\.$"):
        call_command("import_customers", str(path), stdout=StringIO(), stderr=err, verbosity=0)

    assert err.getvalue() == "line 538: email: Enter a valid email address.\n"
    assert Customer.objects.count() == 0
    assert CustomerUser.objects.count() == 0


def test_import_twice_updates_instead_of_duplicating(tmp_path):
    rows = _thousand_rows()
    _import(_write(tmp_path, rows))
    rows[0][2] = "Renamed customer"
    rows[1][9] = "yes"

    out, _ = _import(_write(tmp_path, rows))

    assert out == (
        "Imported: 0 customer(s) created, 1 updated, 199 unchanged; "
        "0 customer user(s) created, 1 updated, 799 unchanged.\n"
    )
    assert Customer.objects.count() == 200
    assert CustomerUser.objects.count() == 800
    assert Customer.objects.get(customer_id="C000").name == "Renamed customer"
    assert CustomerUser.objects.get(login="u000-0").is_power_user is True
    assert CustomerUser.customers.through.objects.count() == 800


def test_import_reports_every_bad_row_sorted_by_line(tmp_path):
    factories.CustomerUserFactory(
        login="taken",
        email="dup@example.com",
        customer=factories.CustomerFactory(customer_id="OLD"),
    )
    rows = [
        _customer("ACME"),
        _customer("acme"),  # line 3: same key, other case
        _user("ACME", "jdoe", power="maybe"),  # line 4
        _user("NOWHERE", "jroe"),  # line 5
        _user("ACME", "jdoe2", email="x@example.com"),
        _user("ACME", "JDOE2", email="y@example.com"),  # line 7: login on line 6
        _user("OLD", "newbie", email="DUP@example.com"),  # line 8: email of "taken" at OLD
        ["robot", "ACME", "", "", "", "", "", "", "", "", ""],  # line 9
        _customer("", name=""),  # line 10
    ]
    err = StringIO()

    with pytest.raises(CommandError, match=r"^7 bad row\(s\)"):
        call_command(
            "import_customers",
            str(_write(tmp_path, rows)),
            stderr=err,
            stdout=StringIO(),
            verbosity=0,
        )

    assert err.getvalue().splitlines() == [
        "line 3: customer_id: acme is already on line 2",
        "line 4: is_power_user: Enter yes or no, not 'maybe'.",
        "line 5: customer_id: no customer NOWHERE in the file or the database",
        "line 7: login: JDOE2 is already on line 6",
        "line 8: email: DUP@example.com is already used by taken of customer OLD",
        "line 9: record_type: must be customer or user, not 'robot'",
        "line 10: customer_id: This field is required.",
        "line 10: name: This field is required.",
    ]
    assert Customer.objects.count() == 1


def test_import_unknown_or_missing_columns_are_refused(tmp_path):
    path = _write(tmp_path, [["ACME", "Acme"]], header=["customer_id", "nmae"])
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_customers", str(path), stderr=err, stdout=StringIO(), verbosity=0)

    assert err.getvalue().splitlines() == [
        "line 1: unknown column(s): nmae",
        "line 1: missing column(s): record_type",
    ]


def test_import_row_with_too_many_cells_is_refused(tmp_path):
    path = _write(tmp_path, [[*_customer("ACME"), "extra"]])
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_customers", str(path), stderr=err, stdout=StringIO(), verbosity=0)

    assert err.getvalue() == "line 2: 12 cells, the header has 11\n"


def test_import_dry_run_writes_nothing(tmp_path):
    factories.CustomerFactory(customer_id="ACME")
    path = _write(tmp_path, [_customer("ACME"), _customer("NEW"), _user("NEW", "jdoe")])

    out, _ = _import(path, "--dry-run")

    assert out == (
        "Dry run, nothing was written: 1 customer(s) to create, 1 to update, 0 unchanged; "
        "1 customer user(s) to create, 0 to update, 0 unchanged.\n"
    )
    assert list(Customer.objects.values_list("customer_id", flat=True)) == ["ACME"]
    assert CustomerUser.objects.count() == 0


def test_import_updates_only_the_columns_in_the_file(tmp_path):
    customer = factories.CustomerFactory(
        customer_id="ACME", name="Old", city="Hamburg", zip="20095"
    )
    path = _write(
        tmp_path, [["customer", "acme", "New name"]], header=["record_type", "customer_id", "name"]
    )

    _import(path)

    customer.refresh_from_db()
    assert (customer.customer_id, customer.name, customer.city, customer.zip) == (
        "acme",
        "New name",
        "Hamburg",
        "20095",
    )


def test_import_adds_extra_customers_and_keeps_existing_memberships(tmp_path):
    user = factories.CustomerUserFactory(
        login="jdoe",
        customer=factories.CustomerFactory(customer_id="FIRST"),
        customers=[factories.CustomerFactory(customer_id="OTHER")],
    )
    rows = [_customer("ACME"), _customer("BETA"), _user("ACME", "jdoe", extra="BETA")]

    _import(_write(tmp_path, rows))

    user.refresh_from_db()
    assert user.customer.customer_id == "ACME"
    assert sorted(user.customers.values_list("customer_id", flat=True)) == [
        "ACME",
        "BETA",
        "FIRST",
        "OTHER",
    ]


def test_import_mirrors_names_onto_the_portal_login(tmp_path):
    portal = factories.PortalUserFactory(login="jdoe")
    path = _write(tmp_path, [_user(portal.customer.customer_id, "jdoe", email="new@example.com")])

    _import(path)

    portal.user.refresh_from_db()
    assert (portal.user.first_name, portal.user.email) == ("Jane", "new@example.com")


def test_import_strips_the_formula_guard_quote(tmp_path):
    path = _write(tmp_path, [_customer("ACME", phone="'+49 30 123")])

    _import(path)

    assert Customer.objects.get().phone == "+49 30 123"


def test_import_shows_a_progress_bar(tmp_path):
    path = _write(tmp_path, [_customer("ACME")])

    _, err = _import(path, verbosity=1)

    assert "Validating: 100%" in err
    assert "Importing: 100%" in err


def test_import_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"^Cannot read .*nope\.csv"):
        call_command("import_customers", str(tmp_path / "nope.csv"), verbosity=0)


def test_import_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")

    with pytest.raises(CommandError, match="is empty"):
        call_command("import_customers", str(path), verbosity=0)
