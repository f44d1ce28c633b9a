"""`manage.py createagent USERNAME EMAIL --team NAME …`: an agent (staff user) in teams."""

import getpass
import secrets
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from tickets.models import Team


class Command(BaseCommand):
    help = (
        "Create an agent: an active staff user (no superuser rights) who sees the tickets of "
        "the queues its teams grant. Teams must exist (create them in the admin). Without "
        "--password the password is asked for on a terminal, or generated and printed when "
        "there is none (or with --no-input)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument(
            "--team",
            action="append",
            default=[],
            metavar="NAME",
            help="a team to join (repeat for several)",
        )
        parser.add_argument("--password", help="the password (visible in the shell history)")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="never prompt: generate the password unless --password is given",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        username, email = options["username"].strip(), options["email"].strip()
        if not username:
            raise CommandError("The username cannot be empty.")
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not a valid email address.") from exc
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named {username} already exists.")
        teams = self._teams(options["team"])
        user = User(
            username=username,
            email=email,
            first_name=options["first_name"],
            last_name=options["last_name"],
            is_staff=True,
            is_active=True,
        )
        password, generated = self._password(options, user)
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.helpdesk_teams.add(*teams)
        names = ", ".join(team.name for team in teams) or "none (sees no tickets yet)"
        self.stdout.write(f"Created agent {username} <{email}>. Teams: {names}.")
        if generated:
            self.stdout.write(f"Generated password: {password}")

    def _teams(self, names: list[str]) -> list[Team]:
        wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
        teams = {t.name.lower(): t for t in Team.objects.all()}
        unknown = [name for name in wanted if name.lower() not in teams]
        if unknown:
            available = ", ".join(sorted(t.name for t in teams.values())) or "none"
            raise CommandError(
                f"Unknown team(s): {', '.join(unknown)}. Existing teams: {available}."
            )
        return [teams[name.lower()] for name in wanted]

    def _password(self, options, user) -> tuple[str, bool]:
        password = options["password"]
        if password is None and options["interactive"] and sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        if password is None:
            return secrets.token_urlsafe(12), True
        if not password:
            raise CommandError("The password cannot be empty.")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        return password, False
