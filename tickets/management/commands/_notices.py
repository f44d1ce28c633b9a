"""The cron commands of the ticket notices (`send_reminders`, `check_escalations`)."""

from django.core.management.base import BaseCommand, CommandError

from tickets.tasks.periodic import Notice, notice_failures, notices_run


class NoticeCommand(BaseCommand):
    """Owe `notice` for every ticket it is due for, like its beat task, in this process."""

    notice: Notice
    label: str  # "reminder(s)"

    def handle(self, *args, **options):
        notified = notices_run(self.notice)
        self.stdout.write(f"Sent {len(notified)} {self.label}.")
        failures = notice_failures(self.notice.kind, notified)
        for number, error in failures:
            self.stderr.write(f"Ticket {number}: {error}")
        if failures:
            raise CommandError(
                f"{len(failures)} {self.label} could not be sent; "
                "manage.py send_outbox retries them."
            )
