from django.core.management.base import BaseCommand

from tickets.counts import ticket_counts_compact


class Command(BaseCommand):
    help = (
        "Fold the delta rows of the stored ticket counts (Company Status) into one row per "
        "customer, queue and state. The same work as the beat task "
        "tickets.tasks.compact_ticket_counts, run synchronously (for cron, every few minutes)."
    )

    def handle(self, *args, **options):
        removed = ticket_counts_compact()
        self.stdout.write(f"Folded {removed} ticket count row(s).")
