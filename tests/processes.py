"""Helpers for tests that start other processes (workers, concurrent writers)."""

import os
from pathlib import Path
from urllib.parse import quote

from django.db import connection


def database_url() -> str:
    """The test database as a `DATABASE_URL` the child process's settings read."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


def command_env(media_root: Path) -> dict[str, str]:
    """The environment of a `manage.py` child on the test database: its own media folder,
    mail kept in memory, and nothing that could reach a broker or a mail server."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(media_root),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("CELERY_BROKER_URL", "EMAIL_URL"):
        env.pop(name, None)
    return env
