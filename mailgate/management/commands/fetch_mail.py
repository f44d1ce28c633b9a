from django.core.management.base import BaseCommand, CommandError

from mailgate.fetch import accounts_fetch
from mailgate.models import MailAccount


class Command(BaseCommand):
    help = (
        "Read the unseen messages of every active mail account over IMAP (or of the one named) "
        "and turn them into tickets and articles, like the beat task `fetch-mail`. A message is "
        "marked seen (or deleted) only once taken. Exit status 1 when an account could not be "
        "read or a message could not be taken (the account's last error says why; the message "
        "stays on the server for the next run, or is left seen and flagged when it can never be "
        "read), so cron reports it; the other accounts are fetched all the same."
    )

    def add_arguments(self, parser):
        parser.add_argument("--account", metavar="NAME", help="Only this account (even inactive).")

    def handle(self, *args, account=None, **options):
        try:
            results = accounts_fetch(account)
        except MailAccount.DoesNotExist:
            names = ", ".join(MailAccount.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"No mail account named {account!r} (accounts: {names}).") from None
        if not results:
            self.stdout.write("No active mail accounts.")
        troubled = 0
        for mail_account, counts in results.items():
            if counts["busy"]:
                self.stdout.write(f"{mail_account.name}: skipped, another fetch is reading it")
                continue
            if counts["error"]:
                troubled += 1
                self.stderr.write(f"{mail_account.name}: {mail_account.last_error}")
                continue
            line = f"{mail_account.name}: {counts['taken']} taken, {counts['failed']} failed"
            if counts["unreadable"]:
                line += f", {counts['unreadable']} unreadable (left seen and flagged)"
            self.stdout.write(line)
            if counts["failed"] or counts["unreadable"]:
                troubled += 1
                self.stderr.write(f"{mail_account.name}: {mail_account.last_error}")
        if troubled:
            raise CommandError(f"{troubled} of {len(results)} mail account(s) had errors.")
