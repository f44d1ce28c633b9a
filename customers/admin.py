"""Admin for customers and their contacts.

Tables here grow large (100,000 customer users), so every foreign key to a customer or a
customer user is an autocomplete widget, changelists skip the full count and select the
related rows they display.
"""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Area, Customer, CustomerUser, Location, NotificationGroup


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["customer_id", "name", "city", "country", "phone", "is_active"]
    list_display_links = ["customer_id", "name"]
    list_filter = ["is_active"]
    search_fields = ["customer_id", "name", "city"]
    readonly_fields = ["created_at", "updated_at"]
    show_full_result_count = False
    # Django 6 assumes https for scheme-less URLs; do so now (and silence the deprecation).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["customer_id", "name", "is_active"]}),
        (_("Address"), {"fields": ["street", "zip", "city", "country"]}),
        (_("Contact"), {"fields": ["url", "phone", "comment"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(CustomerUser)
class CustomerUserAdmin(admin.ModelAdmin):
    list_display = [
        "login",
        "first_name",
        "last_name",
        "email",
        "customer",
        "is_power_user",
        "is_active",
    ]
    list_filter = ["is_active", "is_power_user"]
    list_select_related = ["customer"]
    search_fields = ["login", "first_name", "last_name", "email", "customer__customer_id"]
    autocomplete_fields = ["customer", "customers", "user"]
    readonly_fields = ["created_at", "updated_at"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["login", "first_name", "last_name", "email", "phone", "mobile"]}),
        (_("Customers"), {"fields": ["customer", "customers"]}),
        (_("Portal"), {"fields": ["user", "is_power_user", "is_active"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_related(self, request, form, formsets, change):
        # `customers` always holds the primary customer (DESIGN §4): every ticket rule reads
        # a user's customers from it alone.
        super().save_related(request, form, formsets, change)
        form.instance.customers.add(form.instance.customer)


class AreaInline(admin.TabularInline):
    model = Area
    extra = 1
    fields = ["name", "is_active"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "customer", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["customer"]
    search_fields = ["name", "customer__customer_id", "customer__name"]
    autocomplete_fields = ["customer"]
    inlines = [AreaInline]
    show_full_result_count = False


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "customer", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["location__customer"]
    search_fields = ["name", "location__name", "location__customer__customer_id"]
    autocomplete_fields = ["location"]
    show_full_result_count = False

    @admin.display(description=_("customer"), ordering="location__customer__customer_id")
    def customer(self, obj):
        return obj.location.customer.customer_id


@admin.register(NotificationGroup)
class NotificationGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "customer", "events_display", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["customer"]
    search_fields = ["name", "customer__customer_id", "customer__name"]
    autocomplete_fields = ["customer", "customer_users", "agents"]
    show_full_result_count = False

    @admin.display(description=_("events"))
    def events_display(self, obj):
        return obj.get_events_display()
