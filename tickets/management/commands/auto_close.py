from django.conf import settings
from django.core.management.base import BaseCommand

from tickets.tasks.periodic import pending_auto_close_run, resolved_auto_close_run


class Command(BaseCommand):
    help = (
        "Close tickets automatically: pending-auto-close tickets whose pending time is reached, "
        "and resolved tickets resolved at least HELPDESK_AUTO_CLOSE_DAYS days ago. Each change "
        "is recorded as a ticket event. The same work as the beat tasks "
        "tickets.tasks.auto_close_pending and tickets.tasks.auto_close_resolved, run "
        "synchronously (for cron)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--pending-only", action="store_true", help="Only close pending-auto-close tickets."
        )
        which.add_argument(
            "--resolved-only", action="store_true", help="Only close old resolved tickets."
        )

    def handle(self, *args, **options):
        if not options["resolved_only"]:
            closed = pending_auto_close_run()
            self.stdout.write(f"Closed {closed} pending-auto-close ticket(s).")
        if not options["pending_only"]:
            closed = resolved_auto_close_run()
            days = settings.HELPDESK_AUTO_CLOSE_DAYS
            self.stdout.write(f"Closed {closed} ticket(s) resolved at least {days} day(s) ago.")
