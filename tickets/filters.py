"""Ticket search (`tickets:list`): every parameter of DESIGN §6 goes through this FilterSet."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from contracts.models import Service
from customers.models import Customer, CustomerUser
from helpdesk.filters import DayFilter, SearchForm

from .models import Queue, TicketState
from .querysets import TicketRules
from .selectors import queues_for_agent

CATEGORY_CHOICES = (("open", "Open"), ("closed", "Closed"))


def _queues(request):
    return queues_for_agent(request.user) if request else Queue.objects.none()


def _agents(request):
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


class DateInput(forms.DateInput):
    input_type = "date"


class YesNoField(forms.ChoiceField):
    """Yes / No / any; accepts the usual spellings in links (1, true, on, …)."""

    TRUE = frozenset({"yes", "true", "1", "on"})
    FALSE = frozenset({"no", "false", "0", "off"})

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = (("", "Any"), ("yes", "Yes"), ("no", "No"))
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
        label="Text",
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "Number or title", "type": "search"}),
    )
    # Natural keys (DESIGN §6): customer → customer_id, customer user → login. Text inputs, so
    # the page never renders every customer; a value that does not exist is a form error.
    customer = django_filters.ModelChoiceFilter(
        queryset=Customer.objects.all(),
        to_field_name="customer_id",
        widget=forms.TextInput(attrs={"placeholder": "Customer ID"}),
        label="Customer",
    )
    customer_user = django_filters.ModelChoiceFilter(
        queryset=CustomerUser.objects.all(),
        to_field_name="login",
        widget=forms.TextInput(attrs={"placeholder": "Login"}),
        label="Customer user",
    )
    category = django_filters.ChoiceFilter(
        choices=CATEGORY_CHOICES, method="filter_category", label="Category", empty_label="Any"
    )
    state = django_filters.ModelChoiceFilter(
        queryset=TicketState.objects.all(), to_field_name="name", label="State"
    )
    queue = django_filters.ModelChoiceFilter(queryset=_queues, label="Queue")
    owner = django_filters.ModelChoiceFilter(queryset=_agents, label="Owner")
    service = django_filters.ModelChoiceFilter(queryset=Service.objects.all(), label="Service")
    locked = YesNoFilter(field_name="is_locked", label="Locked")
    escalated = YesNoFilter(method="filter_escalated", label="Escalated")
    created_after = DayFilter(
        field_name="created_at", after=True, widget=DateInput, label="Created from"
    )
    created_before = DayFilter(
        field_name="created_at", after=False, widget=DateInput, label="Created to"
    )
    closed_after = DayFilter(
        field_name="closed_at", after=True, widget=DateInput, label="Closed from"
    )
    closed_before = DayFilter(
        field_name="closed_at", after=False, widget=DateInput, label="Closed to"
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
        label="Sort",
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
