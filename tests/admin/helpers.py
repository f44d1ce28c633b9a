"""Helpers of the admin tests."""

from datetime import datetime

from django.forms import SplitDateTimeWidget


def admin_data(response) -> dict:
    """The POST data of an admin change form as the page shows it (form and inlines)."""
    data = {}

    def put(form, name, field):
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(field.widget, SplitDateTimeWidget):
            if isinstance(value, list):
                data[f"{key}_0"], data[f"{key}_1"] = value
            elif value:
                value = value if isinstance(value, datetime) else datetime.fromisoformat(value)
                data[f"{key}_0"], data[f"{key}_1"] = value.date(), value.time()
            return
        if value is None:
            return
        if not isinstance(value, bool):
            data[key] = value
        elif value:
            data[key] = "on"

    form = response.context["adminform"].form
    for name, field in form.fields.items():
        put(form, name, field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for sub in formset.forms:
            for name, field in sub.fields.items():
                put(sub, name, field)
    return data
