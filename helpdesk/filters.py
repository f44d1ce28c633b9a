"""Filters shared by the agent ticket search and the portal's closed-request search."""

import datetime

import django_filters
from django import forms
from django.utils import timezone

from .forms import BoundedDateField


def control_class(widget: forms.Widget) -> str:
    """Bootstrap's class for a form control."""
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class SearchBoundField(forms.BoundField):
    """A field of a search form with Bootstrap's classes on its control, `is-invalid` when
    its value was refused."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = [widget.attrs.get("class", ""), control_class(widget)]
        if self.errors:
            classes.append("is-invalid")
        return {"class": " ".join(name for name in classes if name), **attrs}


class SearchForm(forms.Form):
    """The form of our search FilterSets (`Meta.form`), shown on every search request: each
    field renders with one template (`{{ field.as_field_group }}`,
    templates/helpdesk/search_field.html) in the markup of our crispy forms."""

    bound_field_class = SearchBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.template_name = "helpdesk/search_field.html"


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DayFilter(django_filters.DateFilter):
    """`field__date >= day` (`after`) or `<= day` in the current time zone, written as a range
    of the timestamp itself (`>= day 00:00`, `< next day 00:00`) so an index on it is used.
    Days outside sane years are a form error: the day after 9999-12-31 does not exist."""

    field_class = BoundedDateField

    def __init__(self, *args, after: bool, **kwargs):
        self.after = after
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if self.after:
            return qs.filter(**{f"{self.field_name}__gte": _midnight(value)})
        next_day = _midnight(value + datetime.timedelta(days=1))
        return qs.filter(**{f"{self.field_name}__lt": next_day})
