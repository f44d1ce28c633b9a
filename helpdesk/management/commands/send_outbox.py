from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from helpdesk.outbox import outbox_sweep


class Command(BaseCommand):
    help = (
        "Deliver the emails of the outbox that are due: those whose delivery after commit "
        "failed or never ran, and retries whose back-off has passed. The same work as the "
        "beat task helpdesk.tasks.sweep_outbox, run in this process (for cron-only sites, "
        "e.g. every minute). Exits non-zero when an attempt failed; a failed email is tried "
        "again after a back-off of up to an hour, for about six hours."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=1000, help="at most this many emails (default 1000)"
        )

    def handle(self, *args, limit, **options):
        outcomes = outbox_sweep(limit=limit, grace=timedelta(0), seconds=None)
        failed = outcomes["pending"] + outcomes["failed"]
        self.stdout.write(
            f"Sent {outcomes['sent']} email(s), skipped {outcomes['skipped']}, "
            f"{failed} attempt(s) failed."
        )
        if failed:
            raise CommandError(
                f"{failed} email(s) could not be sent; see the outbox in the admin "
                f"({outcomes['failed']} gave up)."
            )
