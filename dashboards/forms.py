"""Input of the dashboards: the search dialogs, widget parameters and preference posts.

The customer and customer-user edit forms are `customers.forms.CustomerForm` and
`customers.forms.CustomerUserForm` (one place for their rules); the dashboards only show them
in a modal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.forms import CustomerForm, CustomerUserForm
from customers.models import Customer

from .selectors import PAGE_SIZES, SCOPE_LABELS

if TYPE_CHECKING:
    from .widgets import Dashboard, Widget

PAGE_SIZE_CHOICES = [(n, str(n)) for n in PAGE_SIZES]


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    kind = forms.ChoiceField(
        choices=[
            ("customer", gettext_lazy("Customer")),
            ("customer_user", gettext_lazy("Customer user")),
        ],
        initial="customer",
    )
    dashboard = forms.ChoiceField(
        choices=[
            ("cic", gettext_lazy("Customer Information Center")),
            ("cuic", gettext_lazy("Customer User Information Center")),
        ],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["dashboard"] = cleaned.get("dashboard") or "cic"
        if cleaned["dashboard"] == "cuic" and cleaned.get("kind") == "customer":
            raise forms.ValidationError(
                _("The Customer User Information Center searches customer users only.")
            )
        return cleaned


class PickForm(forms.Form):
    """`q` of a picker endpoint; customer users may be limited to one customer's."""

    q = forms.CharField(required=False, max_length=200)
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.active(),
        to_field_name="customer_id",
        required=False,
        error_messages={"invalid_choice": gettext_lazy("No active customer has this ID.")},
    )


class WidgetParamsForm(forms.Form):
    """`filter`, `scope` (CUIC), `page` and `page_size` of one widget (DESIGN §6)."""

    filter = forms.ChoiceField(required=False)
    scope = forms.ChoiceField(required=False)
    page = forms.IntegerField(required=False, min_value=1)
    page_size = forms.TypedChoiceField(
        choices=PAGE_SIZE_CHOICES, coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, dashboard: Dashboard, widget: Widget, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filter"].choices = [("", "")] + [(f, f) for f in widget.filters]
        scopes = dashboard.scopes if widget.filters else ()
        self.fields["scope"].choices = [("", "")] + [(s, SCOPE_LABELS[s]) for s in scopes]


class PreferencesForm(forms.Form):
    """One of: `order` (keys in order), `enabled` (keys turned on), or `widget` with `filter`,
    `scope`, `page_size` or `close`. Keys are checked again by the service."""

    order = forms.MultipleChoiceField(required=False)
    enabled = forms.MultipleChoiceField(required=False)
    widget = forms.ChoiceField(required=False)
    filter = forms.CharField(required=False, max_length=20)
    scope = forms.CharField(required=False, max_length=20)
    page_size = forms.TypedChoiceField(
        choices=PAGE_SIZE_CHOICES, coerce=int, required=False, empty_value=None
    )
    close = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, dashboard: Dashboard, **kwargs):
        super().__init__(*args, **kwargs)
        keys = [(k, k) for k in dashboard.keys]
        self.fields["order"].choices = keys
        self.fields["enabled"].choices = keys
        self.fields["widget"].choices = [("", ""), *keys]
        self.fields["order"].error_messages["invalid_choice"] = _("Unknown widget: %(value)s.")
        self.fields["enabled"].error_messages["invalid_choice"] = _("Unknown widget: %(value)s.")
        self.fields["widget"].error_messages["invalid_choice"] = _("Unknown widget: %(value)s.")

    def clean(self):
        cleaned = super().clean()
        if "order" in self.data:
            cleaned["action"] = "order"
        elif self.data.get("widget"):
            cleaned["action"] = "widget"
            changes = [cleaned.get("filter"), cleaned.get("scope"), cleaned.get("page_size")]
            if not any(changes) and not cleaned.get("close"):
                raise forms.ValidationError(_("Nothing to change for this widget."))
        elif "enabled" in self.data:
            cleaned["action"] = "enabled"
        else:
            raise forms.ValidationError(_("Send order, enabled, or widget with a change."))
        return cleaned


def modal_layout(form) -> None:
    """Lay the customer and customer-user forms out in two columns for the modals (the forms
    and their rules stay in `customers.forms`)."""

    def pair(a, b):
        return Row(Column(a, css_class="col-md-6"), Column(b, css_class="col-md-6"))

    if isinstance(form, CustomerUserForm):
        form.helper.layout = Layout(
            pair("first_name", "last_name"),
            pair("email", "login"),
            pair("phone", "mobile"),
            pair("customer", "customers"),
            pair("is_power_user", "is_active"),
        )
    elif isinstance(form, CustomerForm):
        form.helper.layout = Layout(
            pair("customer_id", "name"),
            "street",
            Row(
                Column("zip", css_class="col-md-3"),
                Column("city", css_class="col-md-5"),
                Column("country", css_class="col-md-4"),
            ),
            pair("url", "phone"),
            "comment",
            "is_active",
        )
