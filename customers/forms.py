"""Forms for customers, customer users (contacts), locations, areas and notification groups.

Model forms validate; `save(by=...)` writes through `customers.services` so every write has one
place. Crispy-forms (bootstrap5) renders them: `{% crispy form %}` or `{{ form|crispy }}`.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.i18n import language_choice_list, zone_choice_list
from helpdesk.pickers import agent_label, picker_from

from . import services
from .models import Area, Customer, CustomerUser, Location, NotificationEvent, NotificationGroup

DUPLICATE_EMAIL = _("A contact with this email already exists for this customer.")
DUPLICATE_LOGIN = _("This login is already taken.")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class RowFormMixin:
    """Inputs laid out in a table row: Bootstrap classes, `is-invalid` on fields with errors."""

    def _style_row(self):
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"
            field.widget.attrs.setdefault("placeholder", field.label)
            field.widget.attrs.setdefault("aria-label", field.label)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


def zone_select(field: forms.Field, *, default: str) -> None:
    """A time zone field as a list of zones, the blank choice naming what blank means."""
    field.widget = forms.Select(choices=zone_choice_list(default))


class CustomerForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Customer
        fields = [
            "customer_id",
            "name",
            "street",
            "zip",
            "city",
            "country",
            "url",
            "phone",
            "comment",
            "time_zone",
            "is_active",
        ]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"customer_id": _("A short unique code, e.g. ACME.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        zone_select(self.fields["time_zone"], default=settings.TIME_ZONE)

    def clean_customer_id(self):
        value = self.cleaned_data["customer_id"].strip()
        if not value:
            raise forms.ValidationError(gettext("This field is required."))
        clash = Customer.objects.filter(customer_id__iexact=value)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                gettext("A customer with the ID %(id)s already exists.") % {"id": value}
            )
        return value

    def save(self, commit=True) -> Customer:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        if self.instance.pk:
            return services.customer_update(customer=self.instance, **data)
        return services.customer_create(**data)


class CustomerUserForm(forms.ModelForm):
    """Every field of a customer user; an empty login is generated from the email."""

    class Meta:
        model = CustomerUser
        fields = [
            "login",
            "first_name",
            "last_name",
            "email",
            "phone",
            "mobile",
            "customer",
            "customers",
            "is_power_user",
            "language",
            "time_zone",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.fields["login"].required = False
        self.fields["login"].help_text = gettext("Left empty, it is made from the email.")
        for name in ("customer", "customers"):
            # By customer ID; the primary key (what older clients post) is accepted too.
            self.fields[name] = picker_from(
                self.fields[name],
                source="dashboards:pick-customers",
                queryset=Customer.objects.active(),
                to_field_name="customer_id",
                alternate="pk",
            )
        self.fields["customers"].required = False
        self.fields["customers"].help_text = gettext(
            "Further customers; the primary one is always added."
        )
        self.fields["language"].widget = forms.Select(choices=language_choice_list())
        zone_select(self.fields["time_zone"], default=gettext("the customer's"))

    def clean_login(self):
        login = (self.cleaned_data.get("login") or "").strip()
        if login:
            clash = CustomerUser.objects.filter(login__iexact=login)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(DUPLICATE_LOGIN)
        return login

    def clean(self):
        cleaned = super().clean()
        email = (cleaned.get("email") or "").strip()
        customer = cleaned.get("customer")
        active = cleaned.get("is_active", True)
        if (
            email
            and customer
            and active
            and services.email_taken(customer=customer, email=email, exclude_pk=self.instance.pk)
        ):
            self.add_error("email", DUPLICATE_EMAIL)
        return cleaned

    def save(self, commit=True) -> CustomerUser:
        data = dict(self.cleaned_data)
        customers = list(data.pop("customers", None) or [])
        if self.instance.pk:
            if not data.get("login"):
                data.pop("login", None)
            return services.customer_user_update(
                customer_user=self.instance, customers=customers, **data
            )
        return services.customer_user_create(
            customers=customers,
            customer=data.pop("customer"),
            first_name=data.pop("first_name"),
            last_name=data.pop("last_name"),
            email=data.pop("email"),
            login=data.pop("login") or None,
            **data,
        )


class ContactForm(RowFormMixin, forms.ModelForm):
    """The contact row on the customer settings page: first name, last name, email."""

    class Meta:
        model = CustomerUser
        fields = ["first_name", "last_name", "email"]

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.helper = _helper()
        self._style_row()

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if services.email_taken(customer=self.customer, email=email, exclude_pk=self.instance.pk):
            raise forms.ValidationError(DUPLICATE_EMAIL)
        return email

    def save(self, commit=True) -> CustomerUser:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        if self.instance.pk:
            return services.customer_user_update(customer_user=self.instance, **data)
        return services.customer_user_create(customer=self.customer, **data)


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.helper = _helper()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Location.objects.filter(customer=self.customer, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                gettext("This customer already has a location named %(name)s.") % {"name": name}
            )
        return name

    def validate_unique(self):
        pass  # checked case-insensitively in clean_name (the form has no customer field)

    def save(self, commit=True) -> Location:
        return services.location_save(
            customer=self.customer,
            location=self.instance if self.instance.pk else None,
            name=self.cleaned_data["name"],
            address=self.cleaned_data["address"],
        )


class AreaForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name"]

    def __init__(self, *args, location: Location, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location
        self.helper = _helper()
        self.fields["name"].widget.attrs.update(placeholder=gettext("New area name"))
        self._style_row()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Area.objects.filter(location=self.location, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                gettext("%(location)s already has an area named %(name)s.")
                % {"location": self.location.name, "name": name}
            )
        return name

    def validate_unique(self):
        pass  # checked case-insensitively in clean_name

    def save(self, commit=True) -> Area:
        return services.area_save(
            location=self.location,
            area=self.instance if self.instance.pk else None,
            name=self.cleaned_data["name"],
        )


class NotificationGroupForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=NotificationEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The emails this group receives."),
    )

    class Meta:
        model = NotificationGroup
        fields = ["name", "description", "is_active", "events", "customer_users", "agents"]
        labels = {
            "customer_users": _("Contacts"),
            "agents": _("Agents"),
            "is_active": _("Active"),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.helper = _helper()
        self.fields["customer_users"] = picker_from(
            self.fields["customer_users"],
            source="dashboards:pick-customer-users",
            queryset=CustomerUser.objects.active().of_customer(customer),
            to_field_name="login",
            alternate="pk",
            params={"customer": customer.customer_id},
        )
        self.fields["agents"] = picker_from(
            self.fields["agents"],
            source="dashboards:pick-agents",
            queryset=get_user_model().objects.filter(is_staff=True, is_active=True),
            alternate="username",
        )
        self.fields["agents"].label_from_instance = agent_label

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = NotificationGroup.objects.filter(customer=self.customer, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                gettext("This customer already has a notification group named %(name)s.")
                % {"name": name}
            )
        return name

    def validate_unique(self):
        pass  # checked case-insensitively in clean_name

    def save(self, commit=True) -> NotificationGroup:
        data = self.cleaned_data
        return services.notification_group_save(
            customer=self.customer,
            group=self.instance if self.instance.pk else None,
            name=data["name"],
            description=data["description"],
            is_active=data["is_active"],
            events=data["events"],
            customer_users=data["customer_users"],
            agents=data["agents"],
        )
