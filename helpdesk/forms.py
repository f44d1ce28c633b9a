import uuid

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .auth import is_agent, portal_customer_user
from .validators import validate_sane_date


class BoundedDateField(forms.DateField):
    """A date people type, within sane years (a form error beyond, never an overflow)."""

    default_validators = [validate_sane_date]


class DayInput(forms.DateInput):
    """A day typed as the tables show it (2026-01-31; 2026/01/31 in Japanese), not the
    browser's date picker, which follows the browser's locale (mm/dd/yyyy in US English)
    whatever the page's language. The language's first DATE_INPUT_FORMATS writes the value
    and the placeholder; all of them are accepted."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "spellcheck": "false",
                **(attrs or {}),
            }
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pattern = formats.get_format("DATE_INPUT_FORMATS")[0]
        placeholder = pattern.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")
        context["widget"]["attrs"].setdefault("placeholder", placeholder)
        return context


class MomentInput(forms.DateTimeInput):
    """A date and time typed as the tables show them (2026-01-31 09:30; 2026/01/31 09:30 in
    Japanese), for the same reason as `DayInput`. The language's first
    DATETIME_INPUT_FORMATS writes the value and the placeholder; all of them are accepted."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pattern = formats.get_format("DATETIME_INPUT_FORMATS")[0]
        for code, shown in (("%Y", "YYYY"), ("%m", "MM"), ("%d", "DD"), ("%H", "HH"), ("%M", "MM")):
            pattern = pattern.replace(code, shown)
        context["widget"]["attrs"].setdefault("placeholder", pattern)
        return context


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time people type, within sane years in their time zone."""

    default_validators = [validate_sane_date]


class AgentAuthenticationForm(AuthenticationForm):
    """Only agents log in here; everybody else gets the same message as a wrong password."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_agent(user):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PortalAuthenticationForm(AuthenticationForm):
    """Only active customer users with a portal login log in here."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if portal_customer_user(user) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


def submission_key_field(*, required: bool = False) -> forms.UUIDField:
    """The hidden one-time key of a form that writes (helpdesk.services.submit_once): a fresh
    key for every form rendered. Posted without one the form still works, only without the
    protection against a double submit (old clients); a malformed key is an error."""
    return forms.UUIDField(
        required=required,
        initial=uuid.uuid4,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("This form is damaged; please reload the page and submit it again.")
        },
    )


class OnceForm(forms.Form):
    """A form with a one-time key (`key`). The field is hidden, so its errors show with the
    form's own errors."""

    key = submission_key_field()

    def clean(self):
        cleaned = super().clean()
        for error in self.errors.pop("key", []):
            self.add_error(None, error)
        return cleaned
