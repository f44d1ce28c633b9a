"""Every operations command explains itself in `--help`."""

import pytest
from django.core.management import get_commands, load_command_class


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("send_reminders", "pending-reminder ticket"),
        ("check_escalations", "escalation due time"),
        ("auto_close", "HELPDESK_AUTO_CLOSE_DAYS"),
        ("import_customers", "extra_customers"),
        ("export_customers", "single quote"),
        ("contract_report", "hours remaining"),
        ("createagent", "--team NAME"),
    ],
)
def test_command_help_describes_it(name, expected):
    command = load_command_class(get_commands()[name], name)

    text = " ".join(command.create_parser("manage.py", name).format_help().split())

    assert expected in text
