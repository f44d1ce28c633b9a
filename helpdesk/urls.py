from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

import contracts.urls
import customers.urls

from . import health, i18n, views

customer_patterns = customers.urls.urlpatterns + contracts.urls.customer_tab_patterns

urlpatterns = [
    path("", include("dashboards.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", views.AgentLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", i18n.set_language, name="set-language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("portal/", include("portal.urls")),
    path("tickets/", include("tickets.urls")),
    path("customers/", include((customer_patterns, customers.urls.app_name))),
    path("mail/", include("mailgate.urls")),
]
