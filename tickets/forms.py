"""Agent forms for tickets. Field names follow DESIGN §6 "Stable names"."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from contracts.models import SLA, Contract, Service
from customers.models import Area, Customer, CustomerUser, Location
from helpdesk.forms import BoundedDateTimeField, MomentInput, OnceForm
from helpdesk.pickers import PickerChoiceField, agent_label
from helpdesk.validators import has_control_characters

from .models import DEFAULT_PRIORITY_LEVEL, Priority, TicketState, TicketType
from .selectors import queues_for_agent
from .services import (
    TicketError,
    attachments_check,
    cc_addresses,
    default_queue,
    pending_time_problem,
)
from .states import INCOMPLETE_TYPES, StateType

# States an agent may create a ticket in (pending needs a time, resolve/close go through the
# state action so their times are stamped) and may move a ticket to.
CREATE_STATE_TYPES = (StateType.NEW, StateType.OPEN)
SET_STATE_TYPES = (*INCOMPLETE_TYPES, StateType.RESOLVED, StateType.CLOSED)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploads under one name (`attachments`), checked against the size/count limits."""

    def __init__(self, *args, **kwargs):
        size_mb = settings.HELPDESK_MAX_ATTACHMENT_SIZE // (1024 * 1024)
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault(
            "help_text",
            format_lazy(
                _("Up to {count} files, {size} MB each."),
                count=settings.HELPDESK_MAX_ATTACHMENTS,
                size=size_mb,
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        problems = attachments_check(files)
        if problems:
            raise forms.ValidationError(problems)
        return files


def agents():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


class AgentChoiceField(PickerChoiceField):
    """An agent by primary key through the agent picker; a typed user name is accepted too."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("source", "dashboards:pick-agents")
        kwargs.setdefault("alternate", "username")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return agent_label(obj)


class PriorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return gettext(obj.name)


class CatalogueChoiceField(forms.ModelChoiceField):
    """Choices named by catalogue data (queue, state, type, service, SLA): the default
    catalogue's names are translated at display time."""

    def label_from_instance(self, obj):
        if isinstance(obj, Service) and obj.parent_id:
            return f"{_named_data(obj.parent.name)} › {_named_data(obj.name)}"
        return _named_data(obj.label if isinstance(obj, TicketState) else obj.name)


def _named_data(name: str) -> str:
    return gettext(name) if name else name


# --- creation -------------------------------------------------------------------------------


class TicketCreateForm(OnceForm):
    """New phone / email ticket. Customer-dependent choices follow the chosen customer.

    The customer comes from the posted data, else from `initial` (the `?customer_user=` link
    and the HTMX refresh of the dependent fields), so the choices of `customer_user`,
    `contract`, `location` and `area` are exactly the ones valid for it.
    """

    customer = PickerChoiceField(
        queryset=Customer.objects.none(),
        to_field_name="customer_id",
        source="dashboards:pick-customers",
        label=_("Customer"),
    )
    customer_user = PickerChoiceField(
        queryset=CustomerUser.objects.none(),
        to_field_name="login",
        source="dashboards:pick-customer-users",
        label=_("Customer user"),
    )
    title = forms.CharField(max_length=255, label=_("Title"))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 7}), label=_("Text"))
    queue = CatalogueChoiceField(queryset=None, label=_("Queue"))
    state = CatalogueChoiceField(
        queryset=TicketState.objects.filter(state_type__in=CREATE_STATE_TYPES),
        to_field_name="name",
        label=_("Next state"),
    )
    priority = PriorityChoiceField(
        queryset=Priority.objects.all(), to_field_name="level", label=_("Priority")
    )
    type = CatalogueChoiceField(queryset=TicketType.objects.all(), required=False, label=_("Type"))
    service = CatalogueChoiceField(
        queryset=Service.objects.active().in_tree_order(),
        required=False,
        label=_("Service"),
    )
    sla = CatalogueChoiceField(queryset=SLA.objects.all(), required=False, label=_("SLA"))
    contract = forms.ModelChoiceField(
        queryset=Contract.objects.none(), required=False, label=_("Contract")
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), required=False, label=_("Location")
    )
    area = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, label=_("Area"))
    attachments = MultipleFileField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        self.fields["customer"].queryset = Customer.objects.active()
        self.fields["queue"].queryset = queues_for_agent(user)
        options_url = reverse("tickets:new-options")
        refresh = {"hx-get": options_url, "hx-target": "#customer-fields", "hx-swap": "outerHTML"}
        self.fields["customer"].widget.attrs.update(refresh, **{"hx-include": "#id_customer"})
        self.fields["location"].widget.attrs.update(
            refresh, **{"hx-include": "#id_customer, #id_customer_user, #id_contract, #id_location"}
        )
        customer = self._lookup(Customer.objects.active(), "customer_id", source, "customer")
        self.chosen_customer = customer
        if customer is None:
            # The picker waits for a customer; without JavaScript both are typed at once.
            self.fields["customer_user"].widget.attrs["data-picker-disabled"] = ""
        else:
            self.fields["customer_user"].queryset = CustomerUser.objects.active().filter(
                customers=customer
            )
            self.fields["customer_user"].widget.params = {"customer": customer.customer_id}
            self.fields["contract"].queryset = (
                Contract.objects.active().filter(customer=customer).select_related("customer")
            )
            self.fields["location"].queryset = customer.locations.filter(is_active=True)
            location = self._lookup(
                self.fields["location"].queryset, "pk", source, "location", integer=True
            )
            if location is not None:
                self.fields["area"].queryset = location.areas.filter(is_active=True)

    @staticmethod
    def _lookup(queryset, field, source, key, integer=False):
        value = source.get(key) if source else None
        if hasattr(value, "pk"):
            return value
        if not value or (integer and not str(value).isdigit()) or has_control_characters(value):
            return None
        return queryset.filter(**{field: value}).first()

    def clean_customer_user(self):
        customer_user = self.cleaned_data["customer_user"]
        if customer_user is not None and not customer_user.email:
            raise forms.ValidationError(gettext("This customer user has no email address."))
        return customer_user


class PrefillForm(forms.Form):
    """`?customer_user=LOGIN` on the new-ticket links."""

    customer_user = forms.ModelChoiceField(
        queryset=CustomerUser.objects.active().select_related("customer"),
        to_field_name="login",
        required=False,
        label=_("Customer user"),
    )


def create_initial(user, customer_user: CustomerUser | None) -> dict:
    """Defaults of a new ticket; `?customer_user=` pre-fills the user and its customer."""
    initial = {
        "state": TicketState.objects.filter(name="new").first(),
        "priority": Priority.objects.filter(level=DEFAULT_PRIORITY_LEVEL).first(),
    }
    # The default queue when the agent may use it, else the agent's first queue.
    queues = queues_for_agent(user)
    initial["queue"] = queues.filter(pk=default_queue().pk).first() or queues.first()
    if customer_user is not None:
        initial["customer"] = customer_user.customer
        initial["customer_user"] = customer_user
    return initial


# --- actions on a ticket --------------------------------------------------------------------


class ArticleForm(OnceForm):
    """Reply to the customer or internal/phone note (`tickets:reply`, `tickets:note`)."""

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label=_("Text"), max_length=50000
    )
    attachments = MultipleFileField()

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(gettext("Write a message."))
        return body


class ReplyForm(ArticleForm):
    """The reply by email: To is the ticket's customer user (shown, not chosen); `cc` is
    optional, addresses separated by commas or semicolons (`Name <address>` is fine too)."""

    cc = forms.CharField(
        label=pgettext_lazy("email header", "Cc"),
        required=False,
        max_length=3000,
        help_text=_("Optional: addresses separated by commas or semicolons."),
    )

    def __init__(self, *args, to: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.to = to

    def clean_cc(self) -> list[str]:
        parts = [part.strip() for part in re.split(r"[,;\n]", self.cleaned_data["cc"])]
        # "Jane Doe <jane@example.com>": the address between the angle brackets
        addresses = [p[p.rindex("<") + 1 : -1] if _named(p) else p for p in parts]
        try:
            return cc_addresses(addresses, to=self.to)
        except TicketError as error:
            raise forms.ValidationError(str(error)) from None


def _named(part: str) -> bool:
    return part.endswith(">") and "<" in part


class NoteForm(ArticleForm):
    kind = forms.ChoiceField(
        choices=(("note", _("Internal note")), ("phone", _("Phone call note"))),
        required=False,
        initial="note",
        label=_("Kind"),
    )

    def __init__(self, *args, **kwargs):
        # Shown on the zoom next to the reply form, whose fields share these names.
        kwargs.setdefault("auto_id", "id_note_%s")
        super().__init__(*args, **kwargs)


class StateForm(OnceForm):
    state = CatalogueChoiceField(
        queryset=TicketState.objects.filter(state_type__in=SET_STATE_TYPES),
        to_field_name="name",
        label=_("Next state"),
    )
    pending_until = BoundedDateTimeField(
        required=False, widget=MomentInput(), label=_("Pending until")
    )

    def clean(self):
        cleaned = super().clean()
        state, until = cleaned.get("state"), cleaned.get("pending_until")
        checked = state is not None and "pending_until" not in self.errors
        if checked and (problem := pending_time_problem(state, until)):
            self.add_error("pending_until", problem)
        return cleaned


class TimeForm(OnceForm):
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60, label=_("Minutes"))
    note = forms.CharField(max_length=255, required=False, label=_("Note"))
    accept_overage = forms.BooleanField(required=False, label=_("Accept additional time"))


class LockForm(forms.Form):
    """`locked=1|0`; without it the lock toggles."""

    locked = forms.TypedChoiceField(
        choices=(("1", pgettext_lazy("verb", "Lock")), ("0", _("Unlock"))),
        coerce=lambda v: v == "1",
        required=False,
        empty_value=None,
    )


class TicketUpdateForm(forms.Form):
    """Owner, responsible, queue, priority, service, SLA, contract, type.

    Only the fields present in the POST change, so a small form may send just `owner`.
    """

    owner = AgentChoiceField(queryset=None, required=False, label=_("Owner"))
    responsible = AgentChoiceField(queryset=None, required=False, label=_("Responsible"))
    queue = CatalogueChoiceField(queryset=None, required=False, label=_("Queue"))
    priority = PriorityChoiceField(
        queryset=Priority.objects.all(), to_field_name="level", label=_("Priority")
    )
    service = CatalogueChoiceField(
        queryset=Service.objects.active().in_tree_order(),
        required=False,
        label=_("Service"),
    )
    sla = CatalogueChoiceField(queryset=SLA.objects.all(), required=False, label=_("SLA"))
    contract = forms.ModelChoiceField(
        queryset=Contract.objects.none(), required=False, label=_("Contract")
    )
    type = CatalogueChoiceField(queryset=TicketType.objects.all(), required=False, label=_("Type"))

    def __init__(self, *args, ticket, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "owner": ticket.owner_id,
                "responsible": ticket.responsible_id,
                "queue": ticket.queue_id,
                "priority": ticket.priority.level,
                "service": ticket.service_id,
                "sla": ticket.sla_id,
                "contract": ticket.contract_id,
                "type": ticket.type_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = agents()
        self.fields["responsible"].queryset = agents()
        self.fields["queue"].queryset = queues_for_agent(user)
        if ticket.customer_id:
            active = Contract.objects.active().filter(customer_id=ticket.customer_id)
            # The ticket's current contract stays selectable after it has ended.
            self.fields["contract"].queryset = Contract.objects.filter(
                # each side of the `OR` names an indexed column (customer, primary key), so
                # PostgreSQL reads two index ranges, not every contract
                Q(customer_id=ticket.customer_id, pk__in=active.values("pk"))
                | Q(pk=ticket.contract_id)
            ).select_related("customer")
        if self.is_bound:
            for name in self.fields:
                if name not in self.data:
                    self.fields[name].required = False

    def clean_queue(self):
        queue = self.cleaned_data.get("queue")
        if "queue" in self.data and queue is None:
            raise forms.ValidationError(gettext("Choose a queue."))
        return queue

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.data}


class QueuesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _named_data(obj.name)


class MyQueuesForm(forms.Form):
    my_queues = QueuesChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Tickets in My Queues"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["my_queues"].queryset = queues_for_agent(user)


MAX_UPLOAD_MB = settings.HELPDESK_MAX_ATTACHMENT_SIZE // (1024 * 1024)
