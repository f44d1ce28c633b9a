from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DashboardPreference(models.Model):
    class Dashboard(models.TextChoices):
        CIC = "cic", _("Customer Information Center")
        CUIC = "cuic", _("Customer User Information Center")
        AGENT = "agent", _("Dashboard")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dashboard_preferences"
    )
    dashboard = models.CharField(max_length=10, choices=Dashboard.choices)
    widget = models.CharField(max_length=50)
    position = models.PositiveSmallIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    filter = models.CharField(max_length=20, blank=True)
    # CUIC ticket widgets: "assigned" or "accessible" (the second tab row).
    scope = models.CharField(max_length=20, blank=True)
    page_size = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["dashboard", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dashboard", "widget"], name="dashboard_preference_unique"
            ),
            models.CheckConstraint(
                condition=Q(page_size__in=[5, 10, 15, 20, 25, 50]), name="dashboard_page_size_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.dashboard}/{self.widget}"


class TicketHourStat(models.Model):
    """Tickets created and closed in one hour and queue: what the Ticket stats widget adds up.

    Refreshed from the tickets by `dashboards.stats.ticket_stats_refresh` (beat and
    `manage.py refresh_ticket_stats`), so the widget reads a few hundred rows, however many
    tickets a week brings. Hours in UTC: each agent's days are summed in the agent's zone.
    """

    hour = models.DateTimeField()
    queue = models.ForeignKey("tickets.Queue", on_delete=models.CASCADE, related_name="+")
    created = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hour", "queue"], name="ticket_hour_stat_unique"),
        ]

    def __str__(self):
        return f"{self.hour:%Y-%m-%d %H:00} {self.queue_id}: +{self.created} -{self.closed}"
