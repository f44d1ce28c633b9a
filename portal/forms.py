"""Portal forms. Every posted id is re-checked against what the user may use."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.models import Service
from helpdesk.forms import OnceForm, submission_key_field
from tickets.forms import MultipleFileField
from tickets.models import Impact, Satisfaction, Urgency

from .selectors import allowed_services

# --- new request wizard ----------------------------------------------------------------------


class ServiceStepForm(forms.Form):
    """The wizard's GET parameters: `service` and `subcategory`, both re-checked."""

    service = forms.ModelChoiceField(queryset=Service.objects.none(), required=False)
    subcategory = forms.ModelChoiceField(queryset=Service.objects.none(), required=False)

    def __init__(self, *args, customer_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = allowed_services(customer_user)
        self.fields["subcategory"].queryset = Service.objects.active().filter(parent__isnull=False)

    def clean(self):
        data = super().clean()
        service, subcategory = data.get("service"), data.get("subcategory")
        if subcategory is not None and (service is None or subcategory.parent_id != service.pk):
            self.add_error(
                "subcategory", gettext("This sub-category does not belong to the service.")
            )
        return data


class NewRequestForm(ServiceStepForm):
    title = forms.CharField(max_length=255, label=_("Title"))
    description = forms.CharField(
        label=_("Short description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happened, and what do you expect?"),
    )
    impact = forms.TypedChoiceField(
        choices=Impact.choices, coerce=int, label=_("Who is affected?"), initial=Impact.PERSON
    )
    urgency = forms.TypedChoiceField(
        choices=Urgency.choices, coerce=int, label=_("How urgent is it?"), initial=Urgency.MEDIUM
    )
    attachments = MultipleFileField()
    key = submission_key_field(required=True)

    field_order = ["title", "description", "impact", "urgency", "attachments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].required = True
        self.fields["service"].error_messages["invalid_choice"] = _(
            "This service is not available to you."
        )
        self.fields["subcategory"].error_messages["invalid_choice"] = _(
            "This sub-category is not available."
        )
        self.fields["key"].error_messages["required"] = _(
            "This form has expired; please reload the page and submit again."
        )

    def clean(self):
        data = super().clean()
        service, subcategory = data.get("service"), data.get("subcategory")
        if (
            service is not None
            and subcategory is None
            and "subcategory" not in self.errors
            and Service.objects.active().filter(parent=service).exists()
        ):
            self.add_error("subcategory", gettext("Choose a sub-category."))
        return data


# --- request actions -------------------------------------------------------------------------


class UpdateForm(OnceForm):
    comment = forms.CharField(
        label=_("Update the request"),
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("Add information or a question…")}
        ),
        error_messages={"required": _("Please write what you want to add.")},
    )
    attachments = MultipleFileField()

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(gettext("Please write what you want to add."))
        return comment


class ReopenForm(OnceForm):
    comment = forms.CharField(
        label=_("Why is the problem not solved?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please tell us why you reopen the request.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_reopen_%s")  # the close form on the page has a comment
        super().__init__(*args, **kwargs)

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(gettext("Please tell us why you reopen the request."))
        return comment


class CloseForm(OnceForm):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the solution?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose your level of satisfaction.")},
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
