from tickets.tasks.periodic import REMINDER

from ._notices import NoticeCommand


class Command(NoticeCommand):
    help = (
        "Email the reminder of every pending-reminder ticket whose pending time is reached: "
        "to its owner, or to its queue's team when it has none. Owed once per pending time; "
        "a failed send is retried by `manage.py send_outbox`. The same work as the beat task "
        "tickets.tasks.send_reminders, run synchronously (for cron)."
    )
    notice = REMINDER
    label = "reminder(s)"
