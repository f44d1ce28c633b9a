from django.urls import path

from .views import contacts, customers, groups, locations

app_name = "customers"

# The Contracts tab is served by `contracts.views` (contracts builds on customers); the project
# URLconf adds `contracts.urls.customer_tab_patterns` to this namespace.

C = "<key:customer_id>"

urlpatterns = [
    path("", customers.customer_list, name="list"),
    path("new/", customers.customer_create, name="create"),
    path(f"{C}/", customers.customer_settings, name="settings"),
    path(f"{C}/edit/", customers.customer_edit, name="edit"),
    # Customer Contacts
    path(f"{C}/contacts/", contacts.contacts_tab, name="contacts"),
    path(f"{C}/contacts/add/", contacts.contact_add, name="contact-add"),
    path(f"{C}/contacts/<int:pk>/edit/", contacts.contact_edit, name="contact-edit"),
    path(
        f"{C}/contacts/<int:pk>/deactivate/",
        contacts.contact_deactivate,
        name="contact-deactivate",
    ),
    path(
        f"{C}/contacts/<int:pk>/reactivate/",
        contacts.contact_reactivate,
        name="contact-reactivate",
    ),
    # Notification Groups
    path(f"{C}/notification-groups/", groups.groups_tab, name="notification-groups"),
    path(
        f"{C}/notification-groups/new/",
        groups.group_create,
        name="notification-group-create",
    ),
    path(
        f"{C}/notification-groups/<int:pk>/edit/",
        groups.group_edit,
        name="notification-group-edit",
    ),
    # Locations and areas
    path(f"{C}/locations/", locations.locations_tab, name="locations"),
    path(f"{C}/locations/new/", locations.location_create, name="location-create"),
    path(f"{C}/locations/<int:pk>/edit/", locations.location_edit, name="location-edit"),
    path(f"{C}/locations/<int:pk>/active/", locations.location_active, name="location-active"),
    path(f"{C}/locations/<int:pk>/areas/new/", locations.area_create, name="area-create"),
    path(f"{C}/areas/<int:pk>/edit/", locations.area_edit, name="area-edit"),
    path(f"{C}/areas/<int:pk>/active/", locations.area_active, name="area-active"),
]
