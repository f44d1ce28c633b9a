from django.core.management.base import BaseCommand, CommandError

from tickets.models import Ticket
from tickets.tasks.periodic import escalation_notify, notify_now


class Command(BaseCommand):
    help = (
        "Email an escalation notice for every ticket whose escalation due time has passed: to "
        "its owner and responsible agent (or its queue's team when neither may see it). Sent "
        "once per due time; a new due time re-arms it; a failed send is retried by the next "
        "run. The same work as the beat task tickets.tasks.check_escalations, run "
        "synchronously (for cron)."
    )

    def handle(self, *args, **options):
        sent, failures = notify_now(escalation_notify, Ticket.objects.escalation_notice_due())
        self.stdout.write(f"Sent {sent} escalation notice(s).")
        for number, error in failures:
            self.stderr.write(f"Ticket {number}: {error}")
        if failures:
            raise CommandError(
                f"{len(failures)} escalation notice(s) could not be sent; "
                "the next run retries them."
            )
