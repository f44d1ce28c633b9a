"""Admin for queues, teams, the state catalogue and tickets.

Built for 1,000,000 tickets: every large foreign key is an autocomplete or raw-id widget,
changelists select what they display and skip the full `COUNT(*)` (`show_full_result_count`),
ticket search matches the number exactly and the title as a substring.
"""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contracts.services import contracts_recount

from .models import (
    AgentPreferences,
    Article,
    Attachment,
    Priority,
    Queue,
    Team,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketState,
    TicketType,
    TimeEntry,
)
from .services import (
    UPDATABLE_FIELDS,
    pending_time_problem,
    ticket_lock,
    ticket_set_state,
    ticket_update,
)


def _lock_tickets_contracts(ticket_ids) -> set[int]:
    """Lock the tickets' rows (key order, like the ticket services) and return the contracts
    they count for, so an admin edit can recount those contracts' hours used."""
    return set(
        Ticket.objects.select_for_update()
        .filter(pk__in=ticket_ids)
        .order_by("pk")
        .values_list("contract_id", flat=True)
    ) - {None}


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email_address",
        "auto_reply",
        "follow_up_closed",
        "first_response_minutes",
        "update_minutes",
        "solution_minutes",
        "is_active",
    ]
    list_filter = ["is_active", "auto_reply", "follow_up_closed"]
    search_fields = ["name", "email_address"]


class TeamMemberInline(admin.TabularInline):
    model = Team.members.through
    extra = 1
    autocomplete_fields = ["user"]
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class TeamQueueInline(admin.TabularInline):
    model = Team.queues.through
    extra = 1
    verbose_name = _("queue")
    verbose_name_plural = _("queues (the members see these queues' tickets)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("queue")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "queue_names"]
    search_fields = ["name"]
    exclude = ["members", "queues"]
    inlines = [TeamMemberInline, TeamQueueInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("queues")

    @admin.display(description=_("queues"))
    def queue_names(self, obj):
        return ", ".join(q.name for q in obj.queues.all())


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["level", "name"]
    ordering = ["level"]


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(TicketState)
class TicketStateAdmin(admin.ModelAdmin):
    list_display = ["name", "label", "state_type"]
    list_filter = ["state_type"]
    search_fields = ["name", "label"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ArticleInline(ReadOnlyInline):
    model = Article
    fields = ["created_at", "sender_type", "channel", "is_public", "author", "subject"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class TimeEntryInline(ReadOnlyInline):
    model = TimeEntry
    fields = ["created_at", "agent", "minutes", "note", "overage_accepted"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agent")


class TicketAdminForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = ["state", "pending_until", "is_locked", *UPDATABLE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        state = cleaned.get("state")
        touched = {"state", "pending_until"} & set(self.changed_data)
        if (
            state is not None
            and touched
            and (problem := pending_time_problem(state, cleaned.get("pending_until")))
        ):
            self.add_error("pending_until", problem)
        return cleaned


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "state",
        "queue",
        "priority",
        "customer",
        "customer_user",
        "owner",
        "is_locked",
        "escalation_due",
        "created_at",
    ]
    list_display_links = ["number", "title"]
    list_filter = ["state__state_type", "state", "queue", "priority", "channel", "is_locked"]
    list_select_related = ["state", "queue", "priority", "customer", "customer_user", "owner"]
    search_fields = ["title", "=customer__customer_id", "=customer_user__login"]
    search_help_text = _("A ticket number, or words of the title, a customer ID or a login.")
    autocomplete_fields = [
        "customer",
        "customer_user",
        "contract",
        "owner",
        "responsible",
        "service",
        "sla",
        "location",
        "area",
    ]
    form = TicketAdminForm
    # Set by the services (numbers, due times, completion, the portal's satisfaction).
    readonly_fields = [
        "number",
        "channel",
        "customer_contact_at",
        "first_response_at",
        "first_response_due",
        "update_due",
        "solution_due",
        "escalation_due",
        "resolved_at",
        "closed_at",
        "satisfaction",
        "satisfaction_comment",
        "created_at",
        "updated_at",
    ]
    show_full_result_count = False
    inlines = [ArticleInline, TimeEntryInline]

    def has_add_permission(self, request):
        # Tickets are created on the agent side (tickets:new-phone / new-email) or in the portal:
        # a number from the daily counter, the first article and the `created` event.
        return False

    def save_model(self, request, obj, form, change):
        """Every correction goes through the ticket services, like the zoom's actions: events,
        due times, the contract's hours used and the pending rule."""
        changed = set(form.changed_data)
        data = form.cleaned_data
        with transaction.atomic():
            ticket = Ticket.objects.get(pk=obj.pk)
            updates = {name: data[name] for name in changed & set(UPDATABLE_FIELDS)}
            if updates:
                ticket_update(ticket=ticket, by=request.user, **updates)
            if changed & {"state", "pending_until"}:
                ticket_set_state(
                    ticket=ticket,
                    state=data["state"],
                    by=request.user,
                    pending_until=data["pending_until"],
                )
            if "is_locked" in changed:
                ticket_lock(ticket=ticket, by=request.user, locked=data["is_locked"])

    def delete_model(self, request, obj):
        self.delete_queryset(request, Ticket.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            contract_ids = _lock_tickets_contracts(queryset.values("pk"))
            super().delete_queryset(request, queryset)
            contracts_recount(contract_ids)

    def get_search_results(self, request, queryset, search_term):
        # A number goes straight to the unique index; the admin's own search would OR it with
        # a title substring scan over every ticket.
        term = search_term.strip()
        if term.isdigit():
            return queryset.filter(number=term), False
        return super().get_search_results(request, queryset, search_term)

    fieldsets = [
        (None, {"fields": ["number", "title", "queue", "state", "priority", "type", "channel"]}),
        (_("Customer"), {"fields": ["customer", "customer_user", "contract", "location", "area"]}),
        (_("Service"), {"fields": ["service", "sla", "impact", "urgency"]}),
        (_("Agent"), {"fields": ["owner", "responsible", "is_locked", "pending_until"]}),
        (
            _("Escalation"),
            {
                "fields": [
                    "customer_contact_at",
                    "first_response_at",
                    "first_response_due",
                    "update_due",
                    "solution_due",
                    "escalation_due",
                ]
            },
        ),
        (
            _("Completion"),
            {"fields": ["resolved_at", "closed_at", "satisfaction", "satisfaction_comment"]},
        ),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


def attachment_download(obj):
    """Stored files have no public URL; link to the permission-checked download view."""
    if not obj.pk:
        return "–"
    return format_html(
        '<a href="{}">{}</a>', reverse("tickets:attachment", args=[obj.pk]), obj.filename
    )


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["download", "content_type", "size", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        return attachment_download(obj)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    ordering = ["-id"]  # the primary key index; no sort over millions of rows
    list_display = ["ticket", "subject", "sender_type", "channel", "is_public", "created_at"]
    list_filter = ["sender_type", "channel", "is_public"]
    list_select_related = ["ticket"]
    search_fields = ["=ticket__number", "subject"]
    raw_id_fields = ["ticket"]
    autocomplete_fields = ["author"]
    inlines = [AttachmentInline]
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    ordering = ["-id"]  # the primary key index; no sort over millions of rows
    list_display = ["filename", "content_type", "size", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["filename", "=article__ticket__number"]
    raw_id_fields = ["article"]
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        # An upload on add; afterwards the stored file is only reachable through the link.
        if obj is None:
            return ["article", "file", "filename", "content_type", "size"]
        return ["article", "download", "filename", "content_type", "size", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["download", "created_at"] if obj is not None else []

    @admin.display(description=_("file"))
    def download(self, obj):
        return attachment_download(obj)


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    ordering = ["-id"]  # the primary key index; no sort over millions of rows
    list_display = ["ticket", "agent", "minutes", "note", "overage_accepted", "created_at"]
    list_filter = ["overage_accepted"]
    list_select_related = ["ticket", "agent"]
    search_fields = ["=ticket__number", "note", "agent__username"]
    raw_id_fields = ["ticket"]
    autocomplete_fields = ["agent", "overage_accepted_by"]
    show_full_result_count = False

    # Time is booked on the ticket (the contract's hour limit applies there), so there is no
    # "add" here. Corrections and deletes recount the contract hours used of the tickets'
    # contracts (before and after) in the same transaction, ticket rows locked first.

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            ticket_ids = {obj.ticket_id}
            if change:  # the entry may have moved to another ticket
                old = TimeEntry.objects.filter(pk=obj.pk).values_list("ticket_id", flat=True)
                ticket_ids.update(old)
            contract_ids = _lock_tickets_contracts(ticket_ids)
            super().save_model(request, obj, form, change)
            contracts_recount(contract_ids)

    def delete_model(self, request, obj):
        self.delete_queryset(request, TimeEntry.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            contract_ids = _lock_tickets_contracts(queryset.values("ticket_id"))
            super().delete_queryset(request, queryset)
            contracts_recount(contract_ids)


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    """Append-only history: readable here, written only by the ticket services."""

    list_display = ["ticket", "action", "from_value", "to_value", "actor", "created_at"]
    ordering = ["-id"]
    list_filter = ["action"]
    list_select_related = ["ticket", "actor"]
    search_fields = ["=ticket__number"]
    raw_id_fields = ["ticket", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AgentPreferences)
class AgentPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["my_queues"]


@admin.register(TicketCounter)
class TicketCounterAdmin(admin.ModelAdmin):
    """The daily ticket-number counters; change only to skip numbers, never to go back."""

    list_display = ["day", "value"]
    ordering = ["-day"]
    date_hierarchy = "day"
