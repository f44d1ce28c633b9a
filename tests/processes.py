"""Helpers for tests that start other processes (workers, concurrent writers)."""

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
