"""Filters shared by the agent ticket search and the portal's closed-request search."""

import datetime

import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from .forms import BoundedDateField


class SearchForm(forms.Form):
    """The form of our search FilterSets (`Meta.form`). Their templates lay it out field by
    field with crispy's `|as_crispy_field`; the helper gives those fields the error markup of
    our `{% crispy %}` forms (each message inline in the field's `invalid-feedback`)."""

    helper = FormHelper()
    helper.form_tag = False


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
