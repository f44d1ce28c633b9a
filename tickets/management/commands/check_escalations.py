from tickets.tasks.periodic import ESCALATION

from ._notices import NoticeCommand


class Command(NoticeCommand):
    help = (
        "Email an escalation notice for every ticket whose escalation due time has passed: to "
        "its owner and responsible agent (or its queue's team when neither may see it). Owed "
        "once per due time; a new due time re-arms it; a failed send is retried by "
        "`manage.py send_outbox`. The same work as the beat task tickets.tasks.check_escalations, "
        "run synchronously (for cron)."
    )
    notice = ESCALATION
    label = "escalation notice(s)"
