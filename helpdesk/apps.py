from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Helpdesk"

    def ready(self):
        # Each app registers the builders of its email kinds in `<app>/emails.py`; helpdesk
        # imports no domain app by name.
        autodiscover_modules("emails")
