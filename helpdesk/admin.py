from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import OutboxMessage
from .outbox import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Every email owed, read-only: only the outbox writes these rows."""

    list_display = ["created_at", "kind", "recipient", "key", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "key"]
    ordering = ["-id"]
    show_full_result_count = False
    actions = ["retry"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("helpdesk.change_outboxmessage")

    @admin.action(description=_("Retry the selected failed emails"), permissions=["retry"])
    def retry(self, request, queryset):
        count = outbox_retry(queryset)
        message = ngettext(
            "%(count)d failed email(s) will be sent again.",
            "%(count)d failed email(s) will be sent again.",
            count,
        ) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)
