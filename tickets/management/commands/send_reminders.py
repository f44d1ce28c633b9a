from django.core.management.base import BaseCommand, CommandError

from tickets.models import Ticket
from tickets.tasks.periodic import notify_now, reminder_notify


class Command(BaseCommand):
    help = (
        "Email the reminder of every pending-reminder ticket whose pending time is reached: "
        "to its owner, or to its queue's team when it has none. Sent once per pending time; "
        "a failed send is retried by the next run. The same work as the beat task "
        "tickets.tasks.send_reminders, run synchronously (for cron)."
    )

    def handle(self, *args, **options):
        sent, failures = notify_now(reminder_notify, Ticket.objects.reminder_notice_due())
        self.stdout.write(f"Sent {sent} reminder(s).")
        for number, error in failures:
            self.stderr.write(f"Ticket {number}: {error}")
        if failures:
            raise CommandError(
                f"{len(failures)} reminder(s) could not be sent; the next run retries them."
            )
