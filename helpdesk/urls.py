from django.contrib import admin
from django.urls import include, path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", views.AgentLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("admin/", admin.site.urls),
    path("portal/", include("portal.urls")),
    path("tickets/", include("tickets.urls")),
    path("customers/", include("customers.urls")),
    path("dashboards/", include("dashboards.urls")),
]
