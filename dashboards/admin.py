from django.contrib import admin

from .models import DashboardPreference


@admin.register(DashboardPreference)
class DashboardPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "dashboard", "widget", "position", "enabled", "filter", "page_size"]
    list_filter = ["dashboard", "widget", "enabled"]
    list_select_related = ["user"]
    search_fields = ["user__username", "widget"]
    autocomplete_fields = ["user"]
    show_full_result_count = False
