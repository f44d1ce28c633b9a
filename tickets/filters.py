"""Ticket search (`tickets:list`): every parameter of DESIGN §6 goes through this FilterSet."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.fields import ModelChoiceField

from contracts.models import Service
from customers.models import Customer, CustomerUser
from helpdesk.filters import DayFilter, SearchForm
from helpdesk.forms import DayInput
from helpdesk.pickers import PickerChoiceField

from .forms import AgentChoiceField, CatalogueChoiceField
from .models import Queue, TicketState
from .querysets import TicketRules
from .selectors import queues_for_agent
from .states import StateType

CATEGORY_CHOICES = (
    ("open", pgettext_lazy("category", "Open")),
    ("closed", pgettext_lazy("category", "Closed")),
)


def _queues(request):
    return queues_for_agent(request.user) if request else Queue.objects.none()


def _agents(request):
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


class CatalogueField(ModelChoiceField):
    """A filter's choice of queue, state or service, its catalogue name translated."""

    label_from_instance = CatalogueChoiceField.label_from_instance


class CatalogueFilter(django_filters.ModelChoiceFilter):
    field_class = CatalogueField


class PickerFilter(django_filters.ModelChoiceFilter):
    field_class = PickerChoiceField


class AgentFilter(django_filters.ModelChoiceFilter):
    field_class = AgentChoiceField


class YesNoField(forms.ChoiceField):
    """Yes / No / any; accepts the usual spellings in links (1, true, on, …)."""

    TRUE = frozenset({"yes", "true", "1", "on"})
    FALSE = frozenset({"no", "false", "0", "off"})

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = (("", _("Any")), ("yes", _("Yes")), ("no", _("No")))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = str(value or "").strip().lower()
        if text in self.TRUE:
            return "yes"
        if text in self.FALSE:
            return "no"
        return text

    def clean(self, value):
        value = super().clean(value)
        return {"yes": True, "no": False}.get(value)


class YesNoFilter(django_filters.Filter):
    field_class = YesNoField


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Number or title"), "type": "search"}),
    )
    # Natural keys (DESIGN §6): customer → customer_id, customer user → login. Pickers, so
    # the page never renders every customer; a value that does not exist is a form error.
    customer = PickerFilter(
        queryset=Customer.objects.all(),
        to_field_name="customer_id",
        source="dashboards:pick-customers",
        label=_("Customer"),
    )
    customer_user = PickerFilter(
        queryset=CustomerUser.objects.all(),
        to_field_name="login",
        source="dashboards:pick-customer-users",
        label=_("Customer user"),
    )
    category = django_filters.ChoiceFilter(
        choices=CATEGORY_CHOICES,
        method="filter_category",
        label=_("Category"),
        empty_label=_("Any"),
    )
    state = CatalogueFilter(
        queryset=TicketState.objects.all(), to_field_name="name", label=_("State")
    )
    # Not on the form: the agent dashboard's stat cards and queue overview link here with it.
    state_type = django_filters.MultipleChoiceFilter(
        choices=StateType.choices, field_name="state__state_type", label=_("State type")
    )
    queue = CatalogueFilter(queryset=_queues, label=_("Queue"))
    owner = AgentFilter(queryset=_agents, label=_("Owner"))
    service = CatalogueFilter(queryset=Service.objects.in_tree_order(), label=_("Service"))
    locked = YesNoFilter(field_name="is_locked", label=_("Locked"))
    escalated = YesNoFilter(method="filter_escalated", label=_("Escalated"))
    created_after = DayFilter(
        field_name="created_at", after=True, widget=DayInput, label=_("Created from")
    )
    created_before = DayFilter(
        field_name="created_at", after=False, widget=DayInput, label=_("Created to")
    )
    closed_after = DayFilter(
        field_name="closed_at", after=True, widget=DayInput, label=_("Closed from")
    )
    closed_before = DayFilter(
        field_name="closed_at", after=False, widget=DayInput, label=_("Closed to")
    )
    o = django_filters.OrderingFilter(
        fields=(
            ("number", "number"),
            ("title", "title"),
            ("created_at", "created"),
            ("updated_at", "changed"),
            ("priority__level", "priority"),
            ("state__label", "state"),
            ("queue__name", "queue"),
            ("escalation_due", "escalation"),
            ("customer__customer_id", "customer"),
        ),
        label=_("Sort"),
    )

    class Meta:
        form = SearchForm

    def filter_text(self, queryset, name, value):
        """Every word must match the number or title, case-insensitive; `*` is a wildcard."""
        for term in value.split():
            for piece in filter(None, term.split("*")):
                queryset = queryset.filter(Q(number__icontains=piece) | Q(title__icontains=piece))
        return queryset

    def filter_category(self, queryset, name, value):
        return queryset.category(value)

    def filter_escalated(self, queryset, name, value):
        if value:
            return queryset.filter(TicketRules.escalated())
        return queryset.exclude(TicketRules.escalated())

    @property
    def qs(self):
        # A bad value shows as a form error and an empty result, never a misleading full list.
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        qs = super().qs
        if not (self.form.cleaned_data.get("o") if self.is_bound else None):
            qs = qs.order_by("-created_at", "-id")
        return qs
