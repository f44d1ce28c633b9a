"""The closed-request search (`portal:closed`)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contracts.models import Service
from customers.models import CustomerUser
from helpdesk.filters import DayFilter, SearchForm
from helpdesk.forms import DayInput
from tickets.models import Ticket

from .selectors import callers, searchable_services

DATE = DayInput()


class ClosedRequestFilter(django_filters.FilterSet):
    reference = django_filters.CharFilter(
        field_name="number", lookup_expr="icontains", label=pgettext_lazy("portal", "Reference")
    )
    created_after = DayFilter(
        field_name="created_at", after=True, label=_("Started from"), widget=DATE
    )
    created_before = DayFilter(
        field_name="created_at", after=False, label=_("Started until"), widget=DATE
    )
    closed_after = DayFilter(
        field_name="closed_at", after=True, label=_("Closed from"), widget=DATE
    )
    closed_before = DayFilter(
        field_name="closed_at", after=False, label=_("Closed until"), widget=DATE
    )
    service = django_filters.ModelChoiceFilter(
        queryset=Service.objects.none(),
        method="filter_service",
        label=_("Service"),
        empty_label=_("Any service"),
    )
    # Named by login, the customer user's natural key (DESIGN §6); unknown = a form error.
    caller = django_filters.ModelChoiceFilter(
        queryset=CustomerUser.objects.none(),
        to_field_name="login",
        field_name="customer_user",
        label=pgettext_lazy("portal", "Caller"),
        empty_label=_("Anyone"),
    )

    class Meta:
        model = Ticket
        fields = []
        form = SearchForm

    def __init__(self, *args, customer_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["service"].queryset = searchable_services(customer_user)
        if customer_user.is_power_user:
            self.filters["caller"].queryset = callers(customer_user)
        else:
            # Normal users only see their own requests: no caller filter, a forged one is ignored.
            del self.filters["caller"]

    def filter_service(self, queryset, name, value):
        """A service matches its own tickets and those of its sub-categories."""
        return queryset.filter(Q(service=value) | Q(service__parent=value))
