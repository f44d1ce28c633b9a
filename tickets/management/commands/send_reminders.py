from django.core.management.base import BaseCommand, CommandError

from tickets.models import Ticket
from tickets.tasks.periodic import notice_failures, notices_run, reminder_notify


class Command(BaseCommand):
    help = (
        "Email the reminder of every pending-reminder ticket whose pending time is reached: "
        "to its owner, or to its queue's team when it has none. Owed once per pending time; "
        "a failed send is retried by `manage.py send_outbox`. The same work as the beat task "
        "tickets.tasks.send_reminders, run synchronously (for cron)."
    )

    def handle(self, *args, **options):
        notified = notices_run(reminder_notify, Ticket.objects.reminder_notice_due())
        self.stdout.write(f"Sent {len(notified)} reminder(s).")
        failures = notice_failures("reminder", notified)
        for number, error in failures:
            self.stderr.write(f"Ticket {number}: {error}")
        if failures:
            raise CommandError(
                f"{len(failures)} reminder(s) could not be sent; "
                "manage.py send_outbox retries them."
            )
