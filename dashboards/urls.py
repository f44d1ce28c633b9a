from django.urls import include, path

from . import views

app_name = "dashboards"

# Customer IDs (and logins saved before the login rule) may hold dots, @, parentheses and
# spaces: `keypath` converters (a `path` without control characters), with the widget key after
# the object so the object may be anything but the empty string.
dashboard_patterns = [
    path("cic/", views.cic, name="cic"),
    path("cic/<keypath:customer_id>/", views.cic_customer, name="cic-customer"),
    path("cuic/", views.cuic, name="cuic"),
    path("cuic/<keypath:login>/", views.cuic_user, name="cuic-user"),
    path("search/", views.search, name="search"),
    path("pick/customers/", views.pick_customers, name="pick-customers"),
    path("pick/customer-users/", views.pick_customer_users, name="pick-customer-users"),
    path("pick/agents/", views.pick_agents, name="pick-agents"),
    path("preferences/<str:dashboard>/", views.preferences, name="preferences"),
    path("widget/<str:dashboard>/<keypath:object_id>/<str:widget>/", views.widget, name="widget"),
    path(
        "customer/<keypath:customer_id>/add-user/",
        views.customer_user_add,
        name="customer-user-add",
    ),
    path("customer/<keypath:customer_id>/edit/", views.customer_edit, name="customer-edit"),
    path(
        "customer-user/<keypath:login>/edit/", views.customer_user_edit, name="customer-user-edit"
    ),
]

# The agent dashboard is the site's home page; the rest lives under /dashboards/.
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboards/", include(dashboard_patterns)),
]
