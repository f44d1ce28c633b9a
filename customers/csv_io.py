"""The CSV format of `import_customers` / `export_customers`, and spreadsheet-safe cells.

One file holds customers and customer users; the `record_type` column (`customer` | `user`)
says which a row is. `manage.py import_customers --help` lists every column.

Keys match case-insensitively: a row whose `customer_id` or `login` exists updates that record
(only the columns present in the file), so importing the same file twice changes nothing.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _

from helpdesk.validators import login_validator

from .models import Customer, CustomerUser, customer_id_validator

COLUMNS = (
    "record_type",
    "customer_id",
    "name",
    "street",
    "zip",
    "city",
    "country",
    "url",
    "phone",
    "comment",
    "login",
    "first_name",
    "last_name",
    "email",
    "mobile",
    "is_power_user",
    "extra_customers",
    "is_active",
)
CUSTOMER = "customer"
USER = "user"
RECORD_TYPES = {CUSTOMER: CUSTOMER, USER: USER, "customer_user": USER}

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_out(value) -> str:
    """A cell for a CSV file someone may open in a spreadsheet: formulas are neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def cell_in(value: str | None) -> str:
    """Undo `cell_out`: `'=SUM(…)` → `=SUM(…)`; surrounding spaces are dropped."""
    text = (value or "").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


class YesNoField(forms.CharField):
    """yes/no, true/false, 1/0, y/n (any case); an empty cell means `default`."""

    TRUE = {"yes", "y", "true", "t", "1"}
    FALSE = {"no", "n", "false", "f", "0"}

    def __init__(self, *, default: bool, **kwargs):
        self.default = default
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        text = (value or "").strip().lower()
        if not text:
            return self.default
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("Enter yes or no, not %(value)r.") % {"value": value})


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class CustomerRow(forms.Form):
    customer_id = forms.CharField(
        max_length=_max(Customer, "customer_id"), validators=[customer_id_validator]
    )
    name = forms.CharField(max_length=_max(Customer, "name"))
    street = forms.CharField(max_length=_max(Customer, "street"), required=False)
    zip = forms.CharField(max_length=_max(Customer, "zip"), required=False)
    city = forms.CharField(max_length=_max(Customer, "city"), required=False)
    country = forms.CharField(max_length=_max(Customer, "country"), required=False)
    url = forms.URLField(max_length=_max(Customer, "url"), required=False, assume_scheme="https")
    phone = forms.CharField(max_length=_max(Customer, "phone"), required=False)
    comment = forms.CharField(required=False)
    is_active = YesNoField(default=True)


class CustomerUserRow(forms.Form):
    customer_id = forms.CharField(max_length=_max(Customer, "customer_id"))
    login = forms.CharField(max_length=_max(CustomerUser, "login"), validators=[login_validator])
    first_name = forms.CharField(max_length=_max(CustomerUser, "first_name"))
    last_name = forms.CharField(max_length=_max(CustomerUser, "last_name"))
    email = forms.EmailField(max_length=_max(CustomerUser, "email"))
    phone = forms.CharField(max_length=_max(CustomerUser, "phone"), required=False)
    mobile = forms.CharField(max_length=_max(CustomerUser, "mobile"), required=False)
    is_power_user = YesNoField(default=False)
    extra_customers = forms.CharField(required=False)
    is_active = YesNoField(default=True)

    def clean_extra_customers(self):
        return [c for c in re.split(r"[\s;]+", self.cleaned_data["extra_customers"]) if c]


CUSTOMER_FIELDS = tuple(CustomerRow.base_fields)
USER_FIELDS = tuple(CustomerUserRow.base_fields)
