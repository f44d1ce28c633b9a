"""The form renderer: Django's widget templates through Jinja2, everything else as before."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class WidgetRenderer(Jinja2):
    """Renders Django's own widget templates with Jinja2, which Django ships for them: a select
    of a few dozen options costs about a third of what the Django template engine takes. Any
    template that exists only for the Django engine (the admin's related-widget wrapper, for
    one) falls back to it."""

    @cached_property
    def engine(self):
        # Django's widget templates, plus ours (templates/jinja2/helpdesk/field.html, the
        # Bootstrap field of `form_tags.bs_field`).
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(forms.__file__).parent / "jinja2",
                    Path(settings.BASE_DIR) / "templates" / "jinja2",
                ],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )

    @cached_property
    def fallback(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
