from django.contrib import admin
from django.urls import include, path

import contracts.urls
import customers.urls

from . import health, views

customer_patterns = customers.urls.urlpatterns + contracts.urls.customer_tab_patterns

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", views.AgentLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("admin/", admin.site.urls),
    path("portal/", include("portal.urls")),
    path("tickets/", include("tickets.urls")),
    path("customers/", include((customer_patterns, customers.urls.app_name))),
    path("dashboards/", include("dashboards.urls")),
    path("mail/", include("mailgate.urls")),
]
