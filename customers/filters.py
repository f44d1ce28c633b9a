"""The customer list's search and filter (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Customer


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(
        method="by_status",
        label=_("Status"),
        choices=[("active", _("Active")), ("inactive", _("Inactive"))],
        empty_label=_("All"),
    )

    class Meta:
        model = Customer
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        """Every term must match the ID, name, city or country (case-insensitive)."""
        for term in value.split()[:5]:
            queryset = queryset.filter(
                Q(customer_id__icontains=term)
                | Q(name__icontains=term)
                | Q(city__icontains=term)
                | Q(country__icontains=term)
            )
        return queryset

    def by_status(self, queryset, name, value):
        return queryset.filter(is_active=value == "active")
