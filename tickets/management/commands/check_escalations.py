from django.core.management.base import BaseCommand, CommandError

from tickets.models import Ticket
from tickets.tasks.periodic import escalation_notify, notice_failures, notices_run


class Command(BaseCommand):
    help = (
        "Email an escalation notice for every ticket whose escalation due time has passed: to "
        "its owner and responsible agent (or its queue's team when neither may see it). Owed "
        "once per due time; a new due time re-arms it; a failed send is retried by "
        "`manage.py send_outbox`. The same work as the beat task tickets.tasks.check_escalations, "
        "run synchronously (for cron)."
    )

    def handle(self, *args, **options):
        notified = notices_run(escalation_notify, Ticket.objects.escalation_notice_due())
        self.stdout.write(f"Sent {len(notified)} escalation notice(s).")
        failures = notice_failures("escalation", notified)
        for number, error in failures:
            self.stderr.write(f"Ticket {number}: {error}")
        if failures:
            raise CommandError(
                f"{len(failures)} escalation notice(s) could not be sent; "
                "manage.py send_outbox retries them."
            )
