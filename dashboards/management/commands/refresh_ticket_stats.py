from django.core.management.base import BaseCommand

from dashboards.stats import REFRESH_DAYS, ticket_stats_refresh


class Command(BaseCommand):
    help = (
        f"Recount tickets created and closed per hour and queue over the last {REFRESH_DAYS} "
        "days for the agent dashboard's Ticket stats widget. The same work as the beat task "
        "dashboards.tasks.refresh_ticket_stats, run synchronously (for cron)."
    )

    def handle(self, *args, **options):
        rows = ticket_stats_refresh()
        self.stdout.write(f"Ticket stats refreshed: {rows} hour(s) with tickets.")
