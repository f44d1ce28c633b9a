"""The contract form of the customer settings page; `Contract.clean()` holds the rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, CustomerUser
from helpdesk.forms import BoundedDateField, DayInput
from helpdesk.pickers import agent_label, picker_from

from . import services
from .models import SLA, Contract, Service

CONTRACT_FIELDS = [
    "description",
    "purchase_order_number",
    "customer_contact",
    "support_contact",
    "support_manager",
    "start_date",
    "end_date",
    "has_hour_restriction",
    "contract_hours",
    "hours_notification_threshold",
    "services",
    "sla",
    "is_active",
]


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = CONTRACT_FIELDS
        labels = {
            "purchase_order_number": _("Purchase order number"),
            "customer_contact": _("Customer contact"),
            "has_hour_restriction": _("Contract has hour restriction"),
            "hours_notification_threshold": _("Hours notification threshold"),
            "services": _("Services available in the portal"),
            "is_active": _("Active"),
        }
        help_texts = {
            "services": "",
            "contract_hours": _("Hours the customer bought; required with an hour restriction."),
            "hours_notification_threshold": (
                _("Hours used at which a warning email goes out; below the contract hours.")
            ),
        }
        field_classes = {"start_date": BoundedDateField, "end_date": BoundedDateField}
        widgets = {
            "start_date": DayInput(),
            "end_date": DayInput(),
            "contract_hours": forms.NumberInput(attrs={"step": "0.25", "min": "0"}),
            "hours_notification_threshold": forms.NumberInput(attrs={"step": "0.25", "min": "0"}),
            "services": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.instance.customer = customer
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        agents = get_user_model().objects.filter(is_staff=True, is_active=True)
        # Contacts by login, agents by primary key; the other key is accepted too.
        contact = self.fields["customer_contact"] = picker_from(
            self.fields["customer_contact"],
            source="dashboards:pick-customer-users",
            queryset=CustomerUser.objects.active().of_customer(customer),
            to_field_name="login",
            alternate="pk",
            params={"customer": customer.customer_id},
        )
        contact.error_messages["invalid_choice"] = gettext(
            "Choose an active contact of this customer."
        )
        contact.label_from_instance = lambda cu: f"{cu.full_name} <{cu.email}>"
        for name in ("support_contact", "support_manager"):
            field = self.fields[name] = picker_from(
                self.fields[name],
                source="dashboards:pick-agents",
                queryset=agents,
                alternate="username",
            )
            field.label_from_instance = agent_label
            if name == "support_contact":
                message = gettext("The support contact must be an agent.")
            else:
                message = gettext("The support manager must be an agent.")
            field.error_messages["invalid_choice"] = message
        self.fields["services"].queryset = Service.objects.active().in_tree_order()
        self.fields["services"].required = False
        self.fields["sla"].queryset = SLA.objects.all()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("has_hour_restriction"):
            # Hours only mean something with a restriction; keep the row consistent.
            cleaned["contract_hours"] = None
            cleaned["hours_notification_threshold"] = None
            self.instance.contract_hours = None
            self.instance.hours_notification_threshold = None
        return cleaned

    def _update_errors(self, errors):
        # `Contract.clean()` sees an unparsable value as missing; keep only the field's own
        # message ("Enter a number.") instead of adding "required" next to it.
        if hasattr(errors, "error_dict"):
            for name in [n for n in errors.error_dict if n in self._errors]:
                del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)

    def save(self, commit=True) -> Contract:
        data = {f: self.cleaned_data.get(f) for f in CONTRACT_FIELDS}
        return services.contract_save(
            customer=self.customer,
            contract=self.instance if self.instance.pk else None,
            **data,
        )
