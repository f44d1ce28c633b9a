from django.apps import AppConfig
from django.urls import register_converter


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Helpdesk"

    def ready(self):
        from .converters import KeyConverter, KeyPathConverter

        # Registered once, before any URLconf is loaded; every app's urls.py uses them.
        register_converter(KeyConverter, "key")
        register_converter(KeyPathConverter, "keypath")
