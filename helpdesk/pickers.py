"""Typeahead pickers for fields over long lists (customers, customer users, agents).

The page holds only the chosen value(s): a text input (several values: a textarea, one per
line) that `static/js/pickers.js` turns into a Tom Select fed by a search endpoint. Without
JavaScript the text field still works: the server resolves what was typed and names an unknown
value in the error.

A field posts its canonical key (`to_field_name`, else the primary key); `alternate` is a
second key also accepted, so a value typed by hand (a customer ID where the primary key is
canonical, a user name for an agent) or posted by an older client still resolves.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .validators import has_control_characters


def agent_label(user) -> str:
    return user.get_full_name() or user.username


class PickerWidget(forms.Widget):
    """`source` is the URL name of the search endpoint, `params` its fixed query (a scope).

    `choices` is set by the model choice field (Django assigns it): only its queryset and
    field are used, to label the current values, never to list the rows."""

    template_name = "django/forms/widgets/picker.html"
    multiple = False

    def __init__(self, *, source: str, params: dict | None = None, attrs=None):
        super().__init__(attrs)
        self.source = source
        self.params = params or {}
        self.choices = ()

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.params = dict(self.params)
        return copy

    def format_value(self, value) -> list[str]:
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(v) for v in values if v is not None and str(v) != ""]

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
            if isinstance(values, str):
                values = [values]
            # Without JavaScript the textarea sends one value per line.
            return [line.strip() for v in values for line in str(v).splitlines() if line.strip()]
        value = data.get(name)
        return value.strip() if isinstance(value, str) else value

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def _items(self, values: list[str]) -> list[dict]:
        """The current values with their labels, in one query; unknown ones show as typed."""
        field = getattr(self.choices, "field", None)
        found = {}
        if field is not None and values:
            found = field.resolve(values, labels=True)
        items = []
        for value in values:
            obj = found.get(value)
            if obj is None:
                items.append({"value": value, "text": value})
            else:
                key = str(field.prepare_value(obj))
                items.append({"value": key, "text": str(field.label_from_instance(obj))})
        return items

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        items = self._items(context["widget"]["value"])
        url = reverse(self.source)
        if self.params:
            url = f"{url}?{urlencode(self.params)}"
        context["widget"].update(
            multiple=self.multiple,
            items=items,
            text="\n".join(item["value"] for item in items),
        )
        context["widget"]["attrs"].update(
            {
                "data-picker": url,
                "data-picker-items": json.dumps(items, ensure_ascii=False),
                "autocomplete": "off",
            }
        )
        context["widget"]["attrs"].setdefault("placeholder", _("Type to search"))
        if self.multiple:
            context["widget"]["attrs"]["data-picker-multiple"] = ""
        return context


class MultiplePickerWidget(PickerWidget):
    multiple = True
    allow_multiple_selected = True


class PickerMixin:
    """Keys and lookups shared by the single and multiple picker fields."""

    def __init__(self, queryset, *, source: str, alternate: str | None = None, **kwargs):
        kwargs.setdefault("widget", self.widget(source=source))
        self.alternate = alternate
        self._known: dict = {}
        super().__init__(queryset, **kwargs)

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy._known = {}
        return copy

    def prepare_value(self, value):
        # Objects given as initial values label themselves: no query to find them again.
        for obj in value if isinstance(value, (list, tuple)) else [value]:
            if hasattr(obj, "_meta"):
                self._known[str(super().prepare_value(obj))] = obj
        return super().prepare_value(value)

    def resolve(self, values: list[str], *, labels: bool = False) -> dict:
        """{value: object} for the values that name an object of the queryset (two queries at
        most: the canonical key, then the alternate for the rest). For `labels` only, objects
        the form was given as initial values count too; validation always asks the queryset."""
        found = {v: self._known[v] for v in values if v in self._known} if labels else {}
        wanted = {v for v in values if v and not has_control_characters(v)}
        for key in (self.to_field_name or "pk", self.alternate):
            rest = wanted - found.keys()
            if key is None or not rest:
                continue
            if key in ("pk", "id"):
                rest = {v for v in rest if v.isdigit() and int(v) < 2**63}
                if not rest:
                    continue
            for obj in self.queryset.filter(**{f"{key}__in": rest}):
                found[str(getattr(obj, key))] = obj
        return found


INVALID_CHOICE = _("Select a valid choice. %(value)s is not one of the available choices.")


class PickerChoiceField(PickerMixin, forms.ModelChoiceField):
    """One object through a picker: `to_field_name` (or the primary key), else `alternate`."""

    widget = PickerWidget
    default_error_messages = {"invalid_choice": INVALID_CHOICE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return value
        self.validate_no_null_characters(value)
        value = str(value).strip()
        obj = self.resolve([value]).get(value)
        if obj is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return obj


class PickerMultipleChoiceField(PickerMixin, forms.ModelMultipleChoiceField):
    """Several objects through a picker; keys as in `PickerChoiceField`."""

    widget = MultiplePickerWidget
    default_error_messages = {"invalid_choice": INVALID_CHOICE}

    def _check_values(self, value):
        values = [str(v).strip() for v in value]
        for v in values:
            self.validate_no_null_characters(v)
        found = self.resolve(values)
        for v in values:
            if v not in found:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": v},
                )
        return self.queryset.filter(pk__in=[obj.pk for obj in found.values()])


def picker_from(
    field: forms.ModelChoiceField,
    *,
    source: str,
    queryset,
    to_field_name: str | None = None,
    alternate: str | None = None,
    params: dict | None = None,
) -> forms.ModelChoiceField:
    """A model form's generated choice field as a picker with the same label, help text and
    requiredness."""
    many = isinstance(field, forms.ModelMultipleChoiceField)
    cls = PickerMultipleChoiceField if many else PickerChoiceField
    picker = cls(
        queryset,
        source=source,
        to_field_name=to_field_name,
        alternate=alternate,
        required=field.required,
        label=field.label,
        help_text=field.help_text,
    )
    picker.widget.params = dict(params or {})
    return picker
