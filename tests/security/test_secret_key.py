"""With DEBUG off the project refuses to start without a SECRET_KEY of its own."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def _manage_check(**env_changes: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings"
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("debug", [None, "false"])
def test_start_without_a_secret_key_is_refused_when_debug_is_off(debug):
    result = _manage_check(**({"DEBUG": debug} if debug else {}))

    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set. With DEBUG off"
    )


@pytest.mark.parametrize(
    "env",
    [{"DEBUG": "true"}, {"DEBUG": "false", "SECRET_KEY": "a-key-of-the-site-" + "x" * 40}],
)
def test_start_succeeds_with_a_key_or_in_debug_mode(env):
    result = _manage_check(**env)

    assert (result.returncode, result.stderr) == (0, "")
