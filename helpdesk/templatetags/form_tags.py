"""`{{ field|bs_field }}`: a form field as Bootstrap 5 markup, rendered with Jinja2.

The same markup as crispy's `as_crispy_field` (label, control with its Bootstrap class, errors,
help text) for the search forms that render on every request: crispy renders each field
through a dozen nested Django templates, about 1.5 ms a field on the benchmark machine; this
renders one Jinja2 template through the form renderer (helpdesk/renderers.py).
"""

from django import forms, template

register = template.Library()

TEMPLATE = "helpdesk/field.html"


def _control_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


@register.filter
def bs_field(field: forms.BoundField) -> str:
    widget = field.field.widget
    classes = [type(widget).__name__.lower(), _control_class(widget)]
    if field.errors:
        classes.append("is-invalid")
    # `as_widget` merges these with the widget's own attributes (placeholders, type).
    attrs = {"class": " ".join([widget.attrs.get("class", ""), *classes]).strip()}
    context = {
        "field": field,
        "attrs": attrs,
        "checkbox": isinstance(widget, forms.CheckboxInput),
    }
    return field.render(template_name=TEMPLATE, context=context)
