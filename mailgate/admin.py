"""Admin for the email channel: the mailboxes we read, and every message that came in."""

from django import forms
from django.contrib import admin, messages
from django.db import DatabaseError
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .fetch import account_check, account_fetch
from .models import InboundMessage, MailAccount
from .parsing import UnreadableMessage
from .services import message_take_again


class MailAccountForm(forms.ModelForm):
    # Never sent back to the browser; left blank on edit, the stored password stays.
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        label=_("Password"),
        help_text=_("Leave blank to keep the stored password."),
    )

    class Meta:
        model = MailAccount
        fields = [
            "name",
            "is_active",
            "queue",
            "unknown_sender",
            "host",
            "port",
            "security",
            "username",
            "password",
            "folder",
            "delete_after_import",
        ]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:
            return password
        if self.instance.pk:
            return self.instance.password
        raise forms.ValidationError(gettext("Enter the mailbox password."))


@admin.register(MailAccount)
class MailAccountAdmin(admin.ModelAdmin):
    form = MailAccountForm
    list_display = [
        "name",
        "host",
        "security",
        "queue",
        "is_active",
        "last_fetch_at",
        "short_error",
    ]
    list_filter = ["is_active", "security"]
    search_fields = ["name", "host", "username"]
    list_select_related = ["queue"]
    readonly_fields = ["last_fetch_at", "last_error"]
    actions = ["test_connection", "fetch_now"]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "queue", "unknown_sender"]}),
        (_("Server"), {"fields": ["host", "port", "security", "username", "password", "folder"]}),
        (_("Import"), {"fields": ["delete_after_import", "last_fetch_at", "last_error"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # A read-only page would print the stored password as text.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return truncatechars(obj.last_error, 80)

    @admin.action(
        description=_("Test connection (log in and open the folder)"), permissions=["change"]
    )
    def test_connection(self, request, queryset):
        for account in queryset:
            error = account_check(account)
            if error:
                self.message_user(request, f"{account.name}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(account)s: connected, logged in and opened %(folder)s.")
                    % {"account": account.name, "folder": account.folder},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Fetch now"), permissions=["change"])
    def fetch_now(self, request, queryset):
        for account in queryset:
            counts = account_fetch(account)
            if counts["busy"]:
                self.message_user(
                    request,
                    gettext("%(account)s: another fetch is reading it.")
                    % {"account": account.name},
                    messages.WARNING,
                )
            elif account.last_error:
                self.message_user(request, f"{account.name}: {account.last_error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(account)s: %(count)s taken.",
                        "%(account)s: %(count)s taken.",
                        counts["taken"],
                    )
                    % {"account": account.name, "count": counts["taken"]},
                    messages.SUCCESS,
                )


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """What came in and what became of it; only intake writes these rows."""

    list_display = [
        "received_at",
        "outcome",
        "sender",
        "subject",
        "ticket_link",
        "account",
        "raw_link",
    ]
    list_filter = ["outcome", "account"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["ticket", "account"]
    show_full_result_count = False
    date_hierarchy = "received_at"
    fields = [
        "received_at",
        "outcome",
        "detail",
        "sender",
        "subject",
        "message_id",
        "account",
        "ticket_link",
        "article",
        "raw_link",
    ]
    readonly_fields = fields
    actions = ["take_again"]

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        # The raw message may hold what the ticket does not show: superusers only.
        if request.user.is_superuser:
            return columns
        return [column for column in columns if column != "raw_link"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return [field for field in fields if field != "raw_link"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_take_again_permission(self, request):
        # It reads the raw message, which only superusers may see.
        return request.user.is_superuser

    @admin.action(
        description=_("Take again (messages kept as an error, once the cause is fixed)"),
        permissions=["take_again"],
    )
    def take_again(self, request, queryset):
        for inbound in queryset.select_related("account"):
            self.message_user(request, *_taken_again(inbound))

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_link(self, obj):
        if obj.ticket is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("tickets:detail", args=[obj.ticket.number]), obj.ticket
        )

    @admin.display(description=_("raw message"))
    def raw_link(self, obj):
        if not obj.raw:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("mailgate:raw", args=[obj.pk]), gettext("Raw message")
        )


def _taken_again(inbound: InboundMessage) -> tuple[str, int]:
    """Takes one message again; what became of it, as an admin message and its level."""
    name = inbound.subject or inbound.message_id
    try:
        taken = message_take_again(inbound)
    except UnreadableMessage as exc:
        text, level = gettext("%(message)s: cannot be read: %(error)s"), messages.ERROR
        return text % {"message": name, "error": exc}, level
    except ValueError:  # not kept as an error
        text = gettext("%(message)s: only a message kept as an error is taken again.")
        return text % {"message": name}, messages.WARNING
    except (DatabaseError, OSError) as exc:
        text = gettext("%(message)s: not taken, try again later (%(error)s).")
        return text % {"message": name, "error": exc}, messages.ERROR
    if taken.outcome == InboundMessage.Outcome.ERROR:
        text = gettext("%(message)s: still fails: %(detail)s")
        return text % {"message": name, "detail": taken.detail}, messages.ERROR
    text = gettext("%(message)s: taken, %(outcome)s.")
    return text % {"message": name, "outcome": taken.get_outcome_display()}, messages.SUCCESS
