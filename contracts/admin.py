"""Admin for services, SLAs and contracts."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import SLA, Contract, ContractNotification, Service
from .services import contract_save


class SubServiceInline(admin.TabularInline):
    model = Service
    fk_name = "parent"
    extra = 1
    fields = ["name", "is_active"]
    verbose_name = _("sub-service")
    verbose_name_plural = _("sub-services")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "is_active"]
    list_filter = ["is_active", ("parent", admin.EmptyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "parent__name"]
    autocomplete_fields = ["parent"]
    inlines = [SubServiceInline]


@admin.register(SLA)
class SLAAdmin(admin.ModelAdmin):
    list_display = ["name", "first_response_minutes", "update_minutes", "solution_minutes"]
    search_fields = ["name"]
    autocomplete_fields = ["services"]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = [
        "description",
        "customer",
        "start_date",
        "end_date",
        "has_hour_restriction",
        "contract_hours",
        "sla",
        "is_active",
    ]
    list_filter = ["is_active", "has_hour_restriction", "sla"]
    list_select_related = ["customer", "sla"]
    search_fields = [
        "description",
        "purchase_order_number",
        "customer__customer_id",
        "customer__name",
    ]
    autocomplete_fields = [
        "customer",
        "customer_contact",
        "support_contact",
        "support_manager",
        "services",
    ]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["customer", "description", "purchase_order_number", "is_active"]}),
        (_("Contacts"), {"fields": ["customer_contact", "support_contact", "support_manager"]}),
        (_("Term"), {"fields": ["start_date", "end_date"]}),
        (
            _("Hours"),
            {"fields": ["has_hour_restriction", "contract_hours", "hours_notification_threshold"]},
        ),
        (_("Services"), {"fields": ["services", "sla"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A contract stays with its customer: its tickets and contacts belong to that customer.
        moved = ["customer"] if obj is not None else []
        return [*moved, "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        """Through `contract_save`, like the customer settings: validation, the row lock, and
        no stale copy of the hours used written back."""
        data = dict(form.cleaned_data)
        customer = obj.customer if change else data.pop("customer")
        data.pop("customer", None)
        saved = contract_save(
            customer=customer,
            contract=obj if change else None,
            services=data.pop("services", []),
            **data,
        )
        obj.pk, obj.minutes_used = saved.pk, saved.minutes_used

    def save_related(self, request, form, formsets, change):
        """`contract_save` has set the services already."""


@admin.register(ContractNotification)
class ContractNotificationAdmin(admin.ModelAdmin):
    list_display = ["contract", "kind", "ticket", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["contract__customer", "ticket"]
    search_fields = ["contract__description", "contract__customer__customer_id", "=ticket__number"]
    ordering = ["-id"]
    autocomplete_fields = ["contract"]
    raw_id_fields = ["ticket"]
    readonly_fields = ["created_at"]
    show_full_result_count = False
