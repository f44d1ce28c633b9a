from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from customers.models import NotificationEvent, NotificationGroup

from .models import ContractNotification

TEMPLATES = {
    ContractNotification.Kind.THRESHOLD: "emails/contract_threshold",
    ContractNotification.Kind.LIMIT: "emails/contract_limit",
}


GROUP_EVENTS = {
    ContractNotification.Kind.THRESHOLD: NotificationEvent.CONTRACT_THRESHOLD,
    ContractNotification.Kind.LIMIT: NotificationEvent.CONTRACT_LIMIT,
}


def contract_notice_recipients(notice: ContractNotification) -> list[str]:
    contract = notice.contract
    people = [contract.customer_contact, contract.support_contact, contract.support_manager]
    emails = [p.email for p in people if p is not None and p.email and p.is_active]
    event = GROUP_EVENTS.get(notice.kind)
    if event is not None:
        groups = NotificationGroup.objects.for_event(contract.customer, event).prefetch_related(
            "customer_users", "agents"
        )
        for group in groups:
            emails += [u.email for u in group.customer_users.all() if u.is_active and u.email]
            emails += [a.email for a in group.agents.all() if a.is_active and a.email]
    return sorted(set(emails))


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_contract_notification(self, notification_id: int) -> bool:
    """Send one hour notice; `sent_at` under a row lock makes a repeat run send nothing."""
    with transaction.atomic():
        notice = (
            # Lock only the notice row: the joined support manager is nullable (an outer
            # join), which PostgreSQL refuses to lock.
            ContractNotification.objects.select_for_update(of=("self",))
            .select_related(
                "contract__customer",
                "contract__customer_contact",
                "contract__support_contact",
                "contract__support_manager",
            )
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notice is None:
            return False
        template = TEMPLATES[notice.kind]
        recipients = contract_notice_recipients(notice)
        contract = notice.contract
        context = {"contract": contract, "notice": notice}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"{template}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
        if recipients:
            message.send()
        notice.sent_at = timezone.now()
        notice.recipients = ", ".join(recipients)
        notice.save(update_fields=["sent_at", "recipients"])
    return True
