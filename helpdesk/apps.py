from django.apps import AppConfig
from django.urls import register_converter
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk")

    def ready(self):
        from .converters import KeyConverter, KeyPathConverter

        # Registered once, before any URLconf is loaded; every app's urls.py uses them.
        register_converter(KeyConverter, "key")
        register_converter(KeyPathConverter, "keypath")
        # Each app registers the builders of its email kinds in `<app>/emails.py`; helpdesk
        # imports no domain app by name.
        autodiscover_modules("emails")
