"""Beat: read every active mail account (DESIGN §10)."""

from celery import shared_task

from .fetch import accounts_fetch


@shared_task(name="mailgate.tasks.fetch_mail")
def fetch_mail() -> dict[str, dict[str, int]]:
    """Like `manage.py fetch_mail`: what each account gave, by account name. Two overlapping
    runs never read one account at once (see `fetch._account_lock`)."""
    return {account.name: dict(counts) for account, counts in accounts_fetch().items()}
